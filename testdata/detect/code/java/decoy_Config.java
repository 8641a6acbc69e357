package com.example.orders;

import org.springframework.beans.factory.annotation.Value;

public class decoy_Config {
    @Value("${spring.datasource.password}")
    private String password;

    private static final String PASSWORD_PROPERTY = "spring.datasource.password";
    private static final String TOKEN_ENV = "API_TOKEN";
    private static final int MAX_PASSWORD_LENGTH = 64;
    private final String secret = System.getenv("APP_SECRET");
    private String apiKey = System.getProperty("api.key");

    public String message() {
        String passwordError = "Password is incorrect";
        String token = String.format("%s:%s", user, password);
        return passwordError + token;
    }

    public boolean check(String password) {
        return "letmein-compare".equals(password);
    }
}
