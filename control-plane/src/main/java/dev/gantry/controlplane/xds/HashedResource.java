package dev.gantry.controlplane.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

  static <T extends Message> HashedResource<T> of(T resource) {
    byte[] digest = sha256(deterministicBytes(resource));
    ByteBuffer bits = ByteBuffer.wrap(digest);
    long high = bits.getLong();
    long low = bits.getLong();
    return new HashedResource<>(VersionedResource.create(resource, HexFormat.of().formatHex(digest, 0, 16)),
        Resources.getResourceName(resource), high, low);
  }

  T resource() {
    return versioned.resource();
  }

  /** Protobuf bytes with map entries in a fixed order, so equal content gives equal bytes. */
  static byte[] deterministicBytes(Message message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      message.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
