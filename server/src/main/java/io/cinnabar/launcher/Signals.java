package io.cinnabar.launcher;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * SIGTERM and SIGINT handlers through sun.misc.Signal (reached reflectively: it is a supported but
 * unexported-at-compile-time API), so the log can name the signal as Redis does. Without it the
 * JVM's shutdown hooks still stop the server.
 */
final class Signals {
  private Signals() {}

  static void install(Consumer<String> handler) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Constructor<?> ctor = signal.getConstructor(String.class);
      Method handle = signal.getMethod("handle", signal, handlerType);
      Method getName = signal.getMethod("getName");
      Object proxy =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerType},
              (p, m, a) -> {
                if (m.getName().equals("handle")) {
                  handler.accept((String) getName.invoke(a[0]));
                  return null;
                }
                return m.getName().equals("hashCode")
                    ? System.identityHashCode(p)
                    : m.getName().equals("equals") ? p == a[0] : "SignalHandler";
              });
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, ctor.newInstance(name), proxy);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Fall back to shutdown hooks.
    }
  }
}
