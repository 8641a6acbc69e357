-- application accounts
CREATE USER 'shop'@'%' IDENTIFIED BY 'Sh0p-db-pw';
ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'R00t-native';
CREATE USER report WITH PASSWORD 'Rep0rt-ro-1';
CREATE LOGIN etl WITH PASSWORD = 'Etl!load-8';
ALTER USER sys IDENTIFIED BY Orcl-sys-55 CONTAINER=ALL;
UPDATE mysql.user SET password=PASSWORD('Upd-pw-31') WHERE user='legacy';
CHANGE MASTER TO MASTER_HOST='10.0.0.5', MASTER_USER='repl', MASTER_PASSWORD='Repl-m4ster';
