<?php

namespace Shop;

class Db
{
    private $password = 'Sup3r-S3cret-pw!';

    public function connect(): \PDO
    {
        return new \PDO("pgsql:host=db.internal;port=5432", 'shop', 'Sup3r-S3cret-pw!');
    }
}

return [
    'stripe_key' => "sk_live_51Habcdefghijklmnop",
    'port' => 5432,
];
