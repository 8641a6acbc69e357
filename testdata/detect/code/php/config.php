<?php

define('DB_HOST', 'mysql.php.internal');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wp-s3cret-pw');
define('DB_NAME', 'wp');

const API_TOKEN = 'php-t0ken-123';

$config = [
    'database' => [
        'host' => 'db.php.internal',
        'port' => 3306,
        'username' => 'laravel',
        'password' => 'l4ravel-pw',
    ],
];

class Mailer
{
    private $smtpPassword = 'smtp-php-pw';
}

$pdo = new PDO('mysql:host=pdo.internal;dbname=shop', 'pdo_user', 'pd0-pass');
$mysqli = new mysqli("mysqli.internal", "mysqli_user", "mysqli-pw", "app");
$secret = "dq-s3cret-value";
