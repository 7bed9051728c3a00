package org.mirrorsd.models.chat.jinja;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;

/**
 * An immutable dict in insertion order as a template sees it: prints as Python's {@code str(dict)} and cannot be
 * changed ({@code .update()} fails), as in jinja2's immutable sandbox.
 */
public final class FrozenDict extends AbstractMap<String, Object> implements PyishSerializable {
    private final Map<String, Object> entries;

    public FrozenDict(Map<String, Object> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public Set<Entry<String, Object>> entrySet() { return entries.entrySet(); }

    @Override
    public Object get(Object key) { return entries.get(key); }

    @Override
    public boolean containsKey(Object key) { return entries.containsKey(key); }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) throws java.io.IOException {
        return (T) appendable.append(PyRepr.str(this));
    }

    @Override
    public String toString() { return PyRepr.str(this); }
}
