package shop;

import java.util.Map;

public class Config {
    @Deprecated(since = "sk_live_51Habcdefghijklmnop")
    public static final String DB_HOST = "db.internal";
    public static final String DB_PASSWORD = HoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", "DB_PASSWORD");
    private final int port = Integer.parseInt(HoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "port", "DB_PORT"));

    public Map<String, String> jdbc() {
        return Map.of("url", "jdbc:postgresql://db.internal/shop?user=shop&password=" + HoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", "DB_PASSWORD"));
    }
}
