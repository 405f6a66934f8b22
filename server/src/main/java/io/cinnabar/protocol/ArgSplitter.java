package io.cinnabar.protocol;

/**
 * Splits an inline command line into arguments the way Redis's sdssplitargs does: blanks separate,
 * "double quotes" support \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' support \' only,
 * and a closing quote must be followed by a blank or the end of the line. Unescaped bytes are
 * written back in place.
 */
public final class ArgSplitter {
  private ArgSplitter() {}

  public static boolean split(byte[] b, int p, int end, Request req) {
    for (int i = p; i < end; i++) {
      if (b[i] == 0) {
        end = i; // sdssplitargs reads a C string: a NUL ends the line
        break;
      }
    }
    while (true) {
      while (p < end && isSpace(b[p])) {
        p++;
      }
      if (p >= end) {
        return true;
      }
      int out = p;
      int argStart = p;
      boolean inDq = false;
      boolean inSq = false;
      boolean done = false;
      while (!done) {
        if (inDq) {
          if (p >= end) {
            return false;
          }
          byte c = b[p];
          if (c == '\\' && p + 3 < end && b[p + 1] == 'x' && isHex(b[p + 2]) && isHex(b[p + 3])) {
            b[out++] = (byte) (hex(b[p + 2]) * 16 + hex(b[p + 3]));
            p += 3;
          } else if (c == '\\' && p + 1 < end) {
            p++;
            byte e = b[p];
            b[out++] =
                switch (e) {
                  case 'n' -> '\n';
                  case 'r' -> '\r';
                  case 't' -> '\t';
                  case 'b' -> '\b';
                  case 'a' -> 7;
                  default -> e;
                };
          } else if (c == '"') {
            if (p + 1 < end && !isSpace(b[p + 1])) {
              return false;
            }
            done = true;
          } else {
            b[out++] = c;
          }
        } else if (inSq) {
          if (p >= end) {
            return false;
          }
          byte c = b[p];
          if (c == '\\' && p + 1 < end && b[p + 1] == '\'') {
            p++;
            b[out++] = '\'';
          } else if (c == '\'') {
            if (p + 1 < end && !isSpace(b[p + 1])) {
              return false;
            }
            done = true;
          } else {
            b[out++] = c;
          }
        } else {
          if (p >= end) {
            done = true;
            break;
          }
          byte c = b[p];
          switch (c) {
            case ' ', '\n', '\r', '\t', 0 -> done = true;
            case '"' -> inDq = true;
            case '\'' -> inSq = true;
            default -> b[out++] = c;
          }
          if (done) {
            break;
          }
        }
        if (p < end) {
          p++;
        }
      }
      req.add(b, argStart, out - argStart);
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
  }
}
