<?php

namespace Shop;

class Db
{
    private $password = 'Sup3r-S3cret-pw!';

    public function connect(): \PDO
    {
        return new \PDO("pgsql:host=db.internal;port=5432", 'shop', (getenv('DB_PASSWORD') ?: throw new \RuntimeException('missing environment variable DB_PASSWORD')));
    }
}

return [
    'stripe_key' => (getenv('STRIPE_KEY') ?: throw new \RuntimeException('missing environment variable STRIPE_KEY')),
    'port' => (int) (getenv('DB_PORT') ?: throw new \RuntimeException('missing environment variable DB_PORT')),
];
