package shop;

import java.util.Map;

public class Config {
    @Deprecated(since = "sk_live_51Habcdefghijklmnop")
    public static final String DB_HOST = "db.internal";
    public static final String DB_PASSWORD = java.util.Objects.requireNonNull(System.getenv("DB_PASSWORD"), "missing environment variable DB_PASSWORD");
    private final int port = Integer.parseInt(java.util.Objects.requireNonNull(System.getenv("DB_PORT"), "missing environment variable DB_PORT"));

    public Map<String, String> jdbc() {
        return Map.of("url", "jdbc:postgresql://db.internal/shop?user=shop&password=" + java.util.Objects.requireNonNull(System.getenv("DB_PASSWORD"), "missing environment variable DB_PASSWORD"));
    }
}
