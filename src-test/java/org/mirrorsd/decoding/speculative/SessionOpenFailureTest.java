package org.mirrorsd.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.testing.Models;

/** A session whose second device cannot give it a KV cache fails to open without leaking the first one's. */
class SessionOpenFailureTest {
    private static final String TARGET = "llama2xs-280K.bin";
    private static final String DRAFT = "stories260K.bin";

    /** {@code delegate}, except that {@code newCache} fails, as a device out of memory would. */
    private static LayerExecutor noCaches(LayerExecutor delegate) {
        return (LayerExecutor) Proxy.newProxyInstance(LayerExecutor.class.getClassLoader(), new Class<?>[] {LayerExecutor.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("newCache")) throw new IllegalStateException("injected: no device memory");
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void sdAndMirrorReleaseWhatTheyOpenedWhenTheDraftCannotOpen() {
        var options = SpecOptions.defaults().withGamma(4).withKappa(2).withExitLayer(2);
        LayerExecutor target = Models.cpu(TARGET);
        LayerExecutor draft = noCaches(Models.cpu(DRAFT));
        int before = target.openCaches();
        for (DecodingEngine engine : new DecodingEngine[] {SpeculativeEngine.withDraftModel(target, draft, options),
                new MirrorEngine(target, draft, options)}) {
            assertThrows(IllegalStateException.class, () -> engine.open(GenerationRequest.greedy(new int[] {1, 403}, 5)),
                    engine.method());
            assertEquals(before, target.openCaches(), engine.method() + " leaked the target's cache");
            engine.close();
        }
    }
}
