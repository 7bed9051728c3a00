package org.mirrorsd.decoding.planning;

/**
 * Where the two pipelines run during a step. {@code SERIAL}: one after the other, each on all its cores (the
 * plain SD step). {@code SPLIT}: at the same time, the target suffix and the draft rollouts on disjoint threads
 * (or on different devices, where the split is physical); on shared cores this is where contention shows.
 */
public enum Placement {
    SERIAL, SPLIT;

    public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
}
