/** JMH benchmarks of the server's hot paths; run with bench/jmh.sh. */
package io.cinnabar.bench;
