package io.cinnabar.commands;

import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.keyspace.ValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Redis's DEBUG DIGEST scheme (debug.c): per key a SHA1 "mix" of the key, the type and the value,
 * plus "!!expire!!" if it has a TTL; key digests are XORed together, each database is prefixed by
 * its id. Strings hash their bytes, lists their elements, hashes their field-value pairs and sets
 * their members, so the digest equals Redis's for the same data. Other types are hashed by their
 * type only until they define their own digest.
 */
final class DebugDigest {
  private DebugDigest() {}

  private static final byte[] EXPIRE = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** digest ^= SHA1(data). */
  static void xor(byte[] digest, byte[] data) {
    byte[] h = sha1().digest(data);
    for (int i = 0; i < 20; i++) {
      digest[i] ^= h[i];
    }
  }

  /** digest = SHA1(digest ^ SHA1(data)). */
  static void mix(byte[] digest, byte[] data) {
    xor(digest, data);
    byte[] h = sha1().digest(digest);
    System.arraycopy(h, 0, digest, 0, 20);
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /** Redis's xorObjectDigest for one entry, into {@code digest}. */
  static void object(byte[] digest, Entry e) {
    mix(digest, int32(e.type()));
    if (e.type() == ValueType.STRING && e.value() instanceof byte[] b) {
      mix(digest, b);
    } else if (e.value() instanceof io.cinnabar.type.list.QuickList q) {
      // Redis mixes each element's string form, head to tail.
      q.forEach(
          (buf, off, len) -> {
            mix(digest, java.util.Arrays.copyOfRange(buf, off, off + len));
            return true;
          });
    } else if (e.value() instanceof io.cinnabar.type.hash.Hash h) {
      // Each pair is mixed on its own and XORed in, so the order does not matter.
      h.forEach(
          (fb, fo, fl, vb, vo, vl) -> {
            byte[] d = new byte[20];
            mix(d, java.util.Arrays.copyOfRange(fb, fo, fo + fl));
            mix(d, java.util.Arrays.copyOfRange(vb, vo, vo + vl));
            xor(digest, d); // digest ^= SHA1(pair digest), as Redis's xorDigest
          });
    } else if (e.value() instanceof io.cinnabar.type.set.SetValue s) {
      // Each member is XORed in on its own (xorDigest), so the order does not matter.
      s.forEach((b, o, l) -> xor(digest, java.util.Arrays.copyOfRange(b, o, o + l)));
    } else if (e.value() instanceof io.cinnabar.type.zset.ZSet z) {
      // Each member and its "%.17g" score are mixed on their own and XORed in.
      z.forEach(
          (b, o, l, score) -> {
            byte[] d = new byte[20];
            mix(d, java.util.Arrays.copyOfRange(b, o, o + l));
            mix(d, io.cinnabar.util.Doubles.format(score));
            xor(digest, d);
          });
    }
    if (e.expireAt() >= 0) {
      xor(digest, EXPIRE);
    }
  }

  /** The whole-dataset digest (all zeros when empty). */
  static byte[] dataset(Keyspace ks) {
    byte[] fin = new byte[20];
    for (int i = 0; i < ks.databases(); i++) {
      Database db = ks.db(i);
      if (db.size() == 0) {
        continue;
      }
      mix(fin, int32(i));
      db.forEach(
          e -> {
            byte[] d = new byte[20];
            mix(d, e.key());
            object(d, e);
            xor(fin, d);
          });
    }
    return fin;
  }

  static String hex(byte[] d) {
    return java.util.HexFormat.of().formatHex(d);
  }
}
