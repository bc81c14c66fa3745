package dev.gantry.controlplane.xds;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A hash of a set of resources that a change updates in place: the sum, modulo 2^128, of the
 * resources' 128-bit content hashes, and their count. Independent of order, and equal exactly
 * when the sets are (resource names are unique, and each hash covers its resource's name).
 * {@link #version()} is what a type's resources are versioned by in a snapshot.
 */
record ResourceSetHash(long high, long low, int count) {

  static final ResourceSetHash EMPTY = new ResourceSetHash(0, 0, 0);

  ResourceSetHash plus(HashedResource<?> resource) {
    long sum = low + resource.low();
    // The carry out of the low 64 bits, compared unsigned.
    long carry = Long.compareUnsigned(sum, low) < 0 ? 1 : 0;
    return new ResourceSetHash(high + resource.high() + carry, sum, count + 1);
  }

  ResourceSetHash minus(HashedResource<?> resource) {
    long borrow = Long.compareUnsigned(low, resource.low()) < 0 ? 1 : 0;
    return new ResourceSetHash(high - resource.high() - borrow, low - resource.low(), count - 1);
  }

  /** 16 hex digits of SHA-256 over the sum and the count. */
  String version() {
    byte[] set = ByteBuffer.allocate(20).putLong(high).putLong(low).putInt(count).array();
    return HexFormat.of().formatHex(HashedResource.sha256(set), 0, 8);
  }
}
