// Test stub of the AWS SDK for Java v2's json-utils (see tests/stubs/README.md): JsonNode.parser()
// .parse(String) with asObject / isString / asString, over a small parser of JSON objects, arrays,
// strings and scalars (numbers and booleans are kept only as non-strings: enough for Secrets
// Manager payloads and responses).
package software.amazon.awssdk.protocols.jsoncore;

import java.util.LinkedHashMap;
import java.util.Map;

public final class JsonNode {
    private final Object value;

    private JsonNode(Object value) {
        this.value = value;
    }

    public static Parser parser() {
        return new Parser();
    }

    public boolean isString() {
        return value instanceof String;
    }

    public String asString() {
        if (!isString()) {
            throw new UnsupportedOperationException("not a string");
        }
        return (String) value;
    }

    @SuppressWarnings("unchecked")
    public Map<String, JsonNode> asObject() {
        if (!(value instanceof Map)) {
            throw new UnsupportedOperationException("not an object");
        }
        return (Map<String, JsonNode>) value;
    }

    /** A JSON string literal for {@code s} (stub helper, not SDK API). */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public static final class Parser {
        private String s;
        private int i;

        public JsonNode parse(String text) {
            s = text;
            i = 0;
            JsonNode n = value();
            ws();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing characters in JSON");
            }
            return n;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private JsonNode value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, JsonNode> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return new JsonNode(m);
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect('}');
                    return new JsonNode(m);
                }
            }
            if (c == '"') {
                return new JsonNode(string());
            }
            if (c == '[') {
                i++;
                java.util.List<JsonNode> l = new java.util.ArrayList<>();
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return new JsonNode(l);
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect(']');
                    return new JsonNode(l);
                }
            }
            int start = i;
            while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return new JsonNode(s.substring(start, i).equals("null") ? null : (Object) Double.valueOf(0));
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected " + c + " in JSON at " + i);
            }
            i++;
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: b.append(e);
                }
            }
            i++;
            return b.toString();
        }
    }
}
