#!/bin/bash
# PHP written by a script that reads every credential from the environment.
cat > /etc/app/config.php <<EOF
<?php
\$DB['PASSWORD'] = getenv('DB_PASSWORD');
\$DB['USER']     = 'app';
define('AUTH_KEY', getenv('AUTH_KEY'));
EOF
cat > /etc/app/local.php <<'PHP'
<?php
define('DB_PASSWORD', '');
$token = $_ENV['API_TOKEN'];
PHP
