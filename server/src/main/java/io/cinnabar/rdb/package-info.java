/**
 * Redis 7.0's RDB format, version 10: the one codec for snapshots (SAVE, BGSAVE, startup load,
 * DEBUG RELOAD), DUMP/RESTORE payloads and, later, full resynchronization.
 *
 * <p>Layers: {@link io.cinnabar.rdb.RdbOutput} / {@link io.cinnabar.rdb.RdbInput} (lengths, string
 * encodings, {@link io.cinnabar.rdb.Lzf}, {@link io.cinnabar.rdb.Crc64}); the compact byte formats
 * ({@link io.cinnabar.rdb.ListpackCodec}, {@link io.cinnabar.rdb.LegacyFormats}); one {@link
 * io.cinnabar.rdb.ValueCodec} per data type, dispatched by {@link io.cinnabar.rdb.RdbValues}; whole
 * files ({@link io.cinnabar.rdb.RdbFile}) and payloads ({@link io.cinnabar.rdb.DumpPayload}); the
 * snapshot file itself ({@link io.cinnabar.rdb.Snapshots}).
 *
 * <p>Adding a data type: write a {@code ValueCodec} (the readers in {@link
 * io.cinnabar.rdb.RdbCollections} already decode every set and sorted-set form) and register it in
 * the static block of {@code RdbValues} with the RDB type bytes it reads.
 */
package io.cinnabar.rdb;
