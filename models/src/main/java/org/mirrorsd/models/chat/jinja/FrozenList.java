package org.mirrorsd.models.chat.jinja;

import java.util.AbstractList;
import java.util.List;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;

/**
 * An immutable list as a template sees it: prints as Python's {@code str(list)} and cannot be changed, as in
 * jinja2's immutable sandbox ({@code .append()} fails).
 */
public final class FrozenList extends AbstractList<Object> implements PyishSerializable {
    private final List<Object> items;

    public FrozenList(List<Object> items) { this.items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items)); }

    @Override
    public Object get(int index) { return items.get(index); }

    @Override
    public int size() { return items.size(); }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) throws java.io.IOException {
        return (T) appendable.append(PyRepr.str(this));
    }

    @Override
    public String toString() { return PyRepr.str(this); }
}
