package dev.gantry.controlplane.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An xDS resource with the hash of its content, computed once: 128 bits of SHA-256 over its
 * deterministic protobuf bytes (its name included). The hash is the resource's delta-xDS version;
 * a type's version combines its resources' hashes ({@link ContentVersionedSnapshot}). A resource
 * kept from one translation to the next keeps this object, so it is never hashed again.
 *
 * @param versioned the resource with its version, as java-control-plane's snapshots hold it
 * @param name its name (xDS's, as java-control-plane reads it)
 * @param high the hash's first 64 bits
 * @param low its last 64 bits
 */
record HashedResource<T extends Message>(VersionedResource<T> versioned, String name, long high, long low) {

  /** A digest per thread, reused: {@code digest} leaves it reset. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  /** Big-endian longs out of a byte array. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  static <T extends Message> HashedResource<T> of(T resource) {
    byte[] digest = sha256(deterministicBytes(resource));
    long high = (long) LONGS.get(digest, 0);
    long low = (long) LONGS.get(digest, Long.BYTES);
    return new HashedResource<>(VersionedResource.create(resource, HexFormat.of().formatHex(digest, 0, 16)),
        Resources.getResourceName(resource), high, low);
  }

  T resource() {
    return versioned.resource();
  }

  /**
   * Protobuf bytes with map entries in a fixed order, so equal content gives equal bytes. Written
   * straight into an array of the message's size (through an output stream, a sixth of a cold
   * build's time went to the stream encoder's string writes).
   */
  static byte[] deterministicBytes(Message message) {
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("an array of the message's own size was too small", e);
    }
    out.checkNoSpaceLeft();
    return bytes;
  }

  static byte[] sha256(byte[] bytes) {
    return SHA_256.get().digest(bytes);
  }
}
