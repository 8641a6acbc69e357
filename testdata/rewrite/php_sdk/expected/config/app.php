<?php

namespace Shop;
require_once __DIR__ . '/hoist_secrets.php';

class Db
{
    private $password = 'Sup3r-S3cret-pw!';

    public function connect(): \PDO
    {
        return new \PDO("pgsql:host=db.internal;port=5432", 'shop', \HoistSecrets::get('arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf', 'password', 'DB_PASSWORD'));
    }
}

return [
    'stripe_key' => \HoistSecrets::get('arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/stripe-AbCdEf', null, 'STRIPE_KEY'),
    'port' => (int) \HoistSecrets::get('arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf', 'port', 'DB_PORT'),
];
