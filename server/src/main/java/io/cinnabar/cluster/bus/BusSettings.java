package io.cinnabar.cluster.bus;

import io.cinnabar.config.Config;

/**
 * The cluster-* options the bus uses, copied from the config on the keyspace thread (at start and
 * after every CONFIG SET) and handed to the bus thread, which never reads the config map itself.
 * Running gossip uses the newest copy: a CONFIG SET of cluster-node-timeout changes the ping
 * interval, handshake timeout and link timeout at the next cron run, as in Redis.
 */
record BusSettings(
    long nodeTimeout,
    String announceIp,
    int announcePort,
    int announceBusPort,
    String announceHostname,
    boolean requireFullCoverage,
    int clientPort,
    int busPort,
    Election.Settings election,
    int migrationBarrier,
    boolean allowReplicaMigration) {

  static BusSettings of(Config c) {
    long clusterPort = c.getLong("cluster-port");
    return new BusSettings(
        c.getLong("cluster-node-timeout"),
        nonNull(c.get("cluster-announce-ip")),
        (int) c.getLong("cluster-announce-port"),
        (int) c.getLong("cluster-announce-bus-port"),
        nonNull(c.get("cluster-announce-hostname")),
        c.getBool("cluster-require-full-coverage"),
        c.port,
        clusterPort > 0 ? (int) clusterPort : c.port + 10000,
        new Election.Settings(
            Math.max(1, c.getLong("cluster-node-timeout")),
            c.getLong("cluster-replica-validity-factor"),
            c.getLong("repl-ping-replica-period") * 1000,
            c.getBool("cluster-replica-no-failover"),
            c.getLong("cluster-election-base-delay"),
            c.getLong("cluster-election-random-delay"),
            c.getLong("cluster-election-rank-delay")),
        (int) c.getLong("cluster-migration-barrier"),
        c.getBool("cluster-allow-replica-migration"));
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** Redis's node timeout is at least 1 ms in every computation that uses it. */
  long timeout() {
    return Math.max(1, nodeTimeout);
  }
}
