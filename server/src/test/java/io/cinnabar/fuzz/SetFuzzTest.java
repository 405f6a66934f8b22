package io.cinnabar.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random set commands on a few keys, sent to redis-server and to Cinnabar with a small
 * set-max-intset-entries so intset/hashtable conversions happen often: every reply (array replies
 * compared as multisets, since hashtable order differs), every OBJECT ENCODING and the final DEBUG
 * DIGEST must agree.
 */
class SetFuzzTest {
  private static final Pattern BULK = Pattern.compile("\\$(\\d+)\r\n");
  private static final String[] KEYS = {"a", "b", "c", "d", "str", "nokey"};
  private static final String[] ODD = {
    "01", "-0", "+1", "x", "y", "", "9223372036854775807", "-9223372036854775808", "99999999999"
  };

  private static String member(Random r) {
    double k = r.nextDouble();
    if (k < 0.6) {
      return Integer.toString(r.nextInt(21) - 5);
    }
    if (k < 0.7) {
      return ODD[r.nextInt(ODD.length)];
    }
    return "m" + r.nextInt(11);
  }

  private static String key(Random r) {
    return KEYS[r.nextInt(KEYS.length)];
  }

  /** The reply with the elements of a flat array or set reply sorted. */
  static String canonical(String reply) {
    if (!(reply.startsWith("*") || reply.startsWith("~")) || reply.startsWith("*-1")) {
      return reply;
    }
    int eol = reply.indexOf("\r\n");
    List<String> items = new ArrayList<>();
    int p = eol + 2;
    while (p < reply.length()) {
      Matcher m = BULK.matcher(reply);
      if (m.find(p) && m.start() == p) {
        int len = Integer.parseInt(m.group(1));
        int end = m.end() + len + 2;
        items.add(reply.substring(p, end));
        p = end;
      } else {
        int e = reply.indexOf("\r\n", p) + 2;
        items.add(reply.substring(p, e));
        p = e;
      }
    }
    Collections.sort(items);
    return reply.substring(0, eol + 2) + String.join("", items);
  }

  private static String[] command(Random r) {
    List<String> a = new ArrayList<>();
    switch (r.nextInt(16)) {
      case 0, 1 -> {
        a.add("SADD");
        a.add(key(r));
        for (int i = r.nextInt(5); i >= 0; i--) {
          a.add(member(r));
        }
      }
      case 2 -> {
        a.add("SREM");
        a.add(key(r));
        for (int i = r.nextInt(5); i >= 0; i--) {
          a.add(member(r));
        }
      }
      case 3 -> a.addAll(List.of("SMOVE", key(r), key(r), member(r)));
      case 4, 5 -> {
        a.add(new String[] {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}[r.nextInt(3)]);
        for (int i = r.nextInt(3) + 1; i >= 0; i--) {
          a.add(key(r));
        }
      }
      case 6, 7 -> {
        a.add(new String[] {"SINTER", "SUNION", "SDIFF"}[r.nextInt(3)]);
        for (int i = r.nextInt(3); i >= 0; i--) {
          a.add(key(r));
        }
      }
      case 8 -> {
        int n = r.nextInt(3) + 1;
        a.add("SINTERCARD");
        a.add(Integer.toString(n));
        for (int i = 0; i < n; i++) {
          a.add(key(r));
        }
        if (r.nextBoolean()) {
          a.addAll(List.of("LIMIT", Integer.toString(r.nextInt(4))));
        }
      }
      case 9 -> a.addAll(List.of("SISMEMBER", key(r), member(r)));
      case 10 -> a.addAll(List.of("SMISMEMBER", key(r), member(r), member(r)));
      case 11 -> a.addAll(List.of("SCARD", key(r)));
      case 12 -> a.addAll(List.of("OBJECT", "ENCODING", key(r)));
      case 13 -> a.addAll(List.of("SMEMBERS", key(r)));
      case 14 -> a.addAll(List.of("SRANDMEMBER", key(r), "1000"));
      default -> a.addAll(List.of("SORT", key(r), "ALPHA"));
    }
    return a.toArray(new String[0]);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void randomSetCommandsMatchRedis(long seed) {
    assumeTrue(RealRedis.available(), "redis-server is not installed");
    try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
        TestServer cinnabar = TestServer.start("enable-debug-command", "yes");
        RespClient o = redis.client();
        RespClient c = cinnabar.client()) {
      for (RespClient x : List.of(o, c)) {
        x.call("CONFIG", "SET", "set-max-intset-entries", "8");
        x.call("SET", "str", "x");
      }
      Random r = new Random(seed);
      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < 2000 && mismatches.size() < 10; i++) {
        String[] cmd = command(r);
        String expected = canonical(o.call(cmd));
        String actual = canonical(c.call(cmd));
        if (!expected.equals(actual)) {
          mismatches.add(
              String.join(" ", cmd) + "\n  redis:    " + expected + "\n  cinnabar: " + actual);
        }
      }
      assertThat(mismatches).isEmpty();
      assertThat(c.call("DEBUG", "DIGEST")).isEqualTo(o.call("DEBUG", "DIGEST"));
    }
  }
}
