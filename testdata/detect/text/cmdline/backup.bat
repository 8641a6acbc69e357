@echo off
"C:\Program Files\MySQL\bin\mysqldump.exe" --opt -u backup --password=Bk-2024-zz shop > D:\backup\shop.sql
Rubeus.exe asktgt /user:svc_sql /password:Tgt-ask-391 /domain:corp.local
