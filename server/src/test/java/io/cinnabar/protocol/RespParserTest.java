package io.cinnabar.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespParserTest {
  private static List<List<String>> parseAll(String input, int chunk) {
    QueryBuffer qb = new QueryBuffer(4);
    RespParser p = new RespParser();
    Request r = new Request();
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) {
      qb.append(bytes, i, Math.min(chunk, bytes.length - i));
      while (true) {
        int res = p.parse(qb, r, 512L << 20, true);
        if (res == RespParser.NEED_MORE) {
          break;
        }
        assertThat(res).isEqualTo(RespParser.COMMAND);
        List<String> args = new ArrayList<>();
        for (int a = 0; a < r.argc; a++) {
          args.add(r.string(a));
        }
        if (!args.isEmpty()) {
          out.add(args);
        }
      }
      qb.compact(4);
    }
    return out;
  }

  @Test
  void survivesEverySplit() {
    String input =
        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\nPING\r\n"
            + "set \"a b\\x41\" 'c\\'d'\r\n*1\r\n$0\r\n\r\n";
    List<List<String>> whole = parseAll(input, input.length());
    assertThat(whole)
        .containsExactly(
            List.of("SET", "key", "value"),
            List.of("PING"),
            List.of("set", "a bA", "c'd"),
            List.of(""));
    for (int chunk = 1; chunk < input.length(); chunk++) {
      assertThat(parseAll(input, chunk)).as("chunk %d", chunk).isEqualTo(whole);
    }
  }

  @Test
  void rejectsBadLengthsAsRedis() {
    assertError("*x\r\n", "Protocol error: invalid multibulk length");
    assertError("*1\r\nx\r\n", "Protocol error: expected '$', got 'x'");
    assertError("*1\r\n$-5\r\n", "Protocol error: invalid bulk length");
    assertError("set \"a b\r\n", "Protocol error: unbalanced quotes in request");
  }

  private static void assertError(String input, String error) {
    QueryBuffer qb = new QueryBuffer(16);
    byte[] b = input.getBytes(StandardCharsets.ISO_8859_1);
    qb.append(b, 0, b.length);
    RespParser p = new RespParser();
    assertThat(p.parse(qb, new Request(), 512L << 20, true)).isEqualTo(RespParser.PROTOCOL_ERROR);
    assertThat(p.error()).isEqualTo(error);
  }
}
