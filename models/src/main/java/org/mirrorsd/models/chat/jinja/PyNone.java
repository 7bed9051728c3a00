package org.mirrorsd.models.chat.jinja;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;
import com.hubspot.jinjava.util.HasObjectTruthValue;

/**
 * Python's {@code None} as a value. Jinjava has only Java null, which it treats as "undefined"; templates need the
 * two apart ({@code tools is defined} is true and {@code tools is none} is true when a request has no tools, and
 * {@code {{ x }}} prints {@code None}).
 */
public final class PyNone implements PyishSerializable, HasObjectTruthValue {
    public static final PyNone NONE = new PyNone();

    private PyNone() {}

    @Override
    public boolean getObjectTruthValue() { return false; }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) throws java.io.IOException {
        return (T) appendable.append("None");
    }

    @Override
    public String toString() { return "None"; }

    /** True for None and for undefined (Java null). */
    public static boolean isNone(Object o) { return o == null || o == NONE; }
}
