CREATE USER 'a'@'%' IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9';
CREATE USER 'b'@'%' IDENTIFIED WITH caching_sha2_password AS '$A$005$abcdefghijklmnopqrst';
ALTER ROLE c WITH ENCRYPTED PASSWORD 'md53175bce1d3201d16594cebf9d7eb3f9d';
ALTER USER d IDENTIFIED BY ?;
CREATE USER e WITH PASSWORD :pw;
-- Users are identified by email address and authenticated by the SSO gateway.
