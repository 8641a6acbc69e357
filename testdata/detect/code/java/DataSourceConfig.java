package com.example.orders;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

public class DataSourceConfig {
    private static final String DB_USER = "orders";
    private static final String DB_PASSWORD = "0rders-jdbc-pw";
    private String apiKey = "java-ap1-key-77";

    public Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://pg.java.internal:5432/orders", "jdbc_user", "jdbc-p4ss");
    }

    public HikariConfig hikari() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:mysql://mysql.java.internal:3306/shop");
        cfg.setUsername("hikari");
        cfg.setPassword("h1kari-pw");
        return cfg;
    }

    public Properties mailProps() {
        Properties props = new Properties();
        props.put("mail.smtp.host", "smtp.internal");
        props.put("mail.smtp.password", "ma1l-pw");
        props.setProperty("mail.smtp.user", "mailer");
        return props;
    }
}
