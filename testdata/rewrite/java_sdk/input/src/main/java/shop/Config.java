package shop;

import java.util.Map;

public class Config {
    @Deprecated(since = "sk_live_51Habcdefghijklmnop")
    public static final String DB_HOST = "db.internal";
    public static final String DB_PASSWORD = "Sup3r-S3cret-pw!";
    private final int port = 5432;

    public Map<String, String> jdbc() {
        return Map.of("url", "jdbc:postgresql://db.internal/shop?user=shop&password=Sup3r-S3cret-pw!");
    }
}
