<?php

$pdo = new PDO(dsn: 'pgsql:host=named.internal;dbname=app', username: 'named_user', password: 'n4med-pw');
$redis = new Redis();
$redis->auth('r3dis-php-auth');
$client = new Client(['base_uri' => 'https://api.internal', 'auth' => ['api-user', 'ap1-pass-php']]);
