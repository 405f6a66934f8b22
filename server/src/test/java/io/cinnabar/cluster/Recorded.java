package io.cinnabar.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The redis-server 7.0.15 cluster captures under resources cluster/redis-7.0.15/. */
final class Recorded {
  static final List<String> CAPTURES =
      List.of(
          "16821",
          "16822",
          "16823",
          "16824",
          "16825",
          "16826",
          "fail-16821",
          "fail-16823",
          "endpoint-hostname-16821",
          "endpoint-unknown-16821",
          "restarted-16825");

  private static final Pattern OFFSET =
      Pattern.compile(
          "\\$40\r\n([0-9a-f]{40})\r\n(?:(?!\\$40\r\n).)*?replication-offset\r\n:(\\d+)\r\n",
          Pattern.DOTALL);

  private Recorded() {}

  static String text(String capture, String file) throws IOException {
    String name = "cluster/redis-7.0.15/" + capture + "/" + file;
    try (InputStream in = Recorded.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The table from the capture's nodes.conf, with the replication offsets (which nodes.conf does
   * not hold) taken from the same moment's CLUSTER SHARDS reply.
   */
  static NodeTable table(String capture) throws Exception {
    NodeTable t = NodesConf.parse(text(capture, "nodes.conf"));
    Matcher m = OFFSET.matcher(text(capture, "shards.resp2"));
    while (m.find()) {
      t.get(m.group(1)).replOffset = Long.parseLong(m.group(2));
    }
    return t;
  }
}
