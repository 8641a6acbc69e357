#!/bin/bash
# Writes the frontend's PHP config with a heredoc: the shell escapes `$` in an unquoted one.
set -e
cat > /etc/zabbix/web/zabbix.conf.php <<EOF
<?php
global \$DB;
\$DB['TYPE']     = 'MYSQL';
\$DB['SERVER']   = 'zbx-db.internal';
\$DB['USER']     = 'zabbix';
\$DB['PASSWORD'] = 'zbxHeredoc-Pw61';
EOF
cat > /var/www/wp-config.php <<'PHP'
<?php
define('DB_PASSWORD', 'wpHeredoc-Pw27');
define('AUTH_KEY', 'wpHeredocAuthKey-9Qz3Lm8Xv2');
PHP
