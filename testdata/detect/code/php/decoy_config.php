<?php

$password = getenv('DB_PASSWORD');
$token = $_ENV['API_TOKEN'] ?? null;
$secret = env('APP_SECRET');
$apiKey = "key-{$tenant}-suffix";
$passwordLabel = __('Password');
$messages = ['password.required' => 'Please enter a password', 'token.invalid' => 'Invalid token'];
$hash = password_hash($password, PASSWORD_DEFAULT);
$stored = '$2y$10$4Rz8Kq1C0m2GJ3wq5YpJ0uQx1bRkqJtXoL2Q9vZ3hYc6mN8sD7eFa';
$password_hash = '$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
if ($password === 'letmein-compare') {
    echo "Wrong password";
}
$db = ['password' => $_SERVER['DB_PASS'], 'host' => 'localhost'];
$lang = ['auth.password' => 'Mot de passe', 'auth.failed' => 'Ces identifiants ne correspondent pas.'];
$commit = '9fceb02d0ae598e95dc970b74767f19372d61af8';
$uuidToken = '6f1c3a52-8d1e-4c2b-9a57-0e5b1f2d3c4a';
