package org.mirrorsd.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {

    private static final String SECRET = "sk-very-secret-123";

    private static MirrorSdConfig withKey(String key) {
        return ConfigLoader.load(null, Map.of("MIRRORSD_SERVER_API_KEY", key), List.of());
    }

    @Test
    void toStringNeverShowsTheApiKey() {
        MirrorSdConfig config = withKey(SECRET);
        assertTrue(config.server().authenticationEnabled());
        assertFalse(config.toString().contains(SECRET), config.toString());
        assertFalse(config.server().toString().contains(SECRET));
        assertTrue(config.server().toString().contains("apiKey=<redacted>"), config.server().toString());
    }

    @Test
    void dumpNeverShowsTheApiKey() {
        String dump = withKey(SECRET).dump();
        assertFalse(dump.contains(SECRET), dump);
        assertTrue(dump.contains("api_key: <redacted>"), dump);
        assertTrue(dump.contains("port: 8080"), dump);
    }

    @Test
    void noKeyIsShownAsNull() {
        MirrorSdConfig config = MirrorSdConfig.defaults();
        assertFalse(config.server().authenticationEnabled());
        assertTrue(config.server().toString().contains("apiKey=null"));
        assertFalse(config.dump().contains("redacted"));
    }

    @Test
    void errorsAboutTheKeyDoNotEchoIt() {
        // api_key is a string, so no type error can quote it; this guards the one place it could leak.
        String message = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("MIRRORSD_SERVER_API_KEY", SECRET, "MIRRORSD_SERVER_PORT", "-1"),
                        List.of())).getMessage();
        assertFalse(message.contains(SECRET), message);
    }
}
