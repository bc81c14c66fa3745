package dev.gantry.controlplane.store;

/** The store could not be read or written; nothing was changed. */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
