package dev.gantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The report's "HTTPS at the edge" section: what TLS adds on an open connection (setup d against
 * c, the same gateway's plaintext listener, from the same run) and what a full handshake costs
 * the gateway (openssl s_time's sequential new connections, Envoy's CPU over them) and a client
 * (curl's handshake time, each request on a new connection).
 */
final class Tls {

  private static final Pattern S_TIME = Pattern.compile("(\\d+) connections in (\\d+) real seconds");

  private Tls() {}

  static String section(List<Report.Row> rows, Path tls) throws IOException {
    Report.Row plain = rows.stream().filter(r -> r.setup().equals("c")).findFirst().orElse(null);
    Report.Row https = rows.stream().filter(r -> r.setup().equals("d")).findFirst().orElse(null);
    if (plain == null || https == null) {
      return "";
    }
    StringBuilder t = new StringBuilder("\n## HTTPS at the edge (d against c: the same gateway, its HTTPS and plaintext listeners)\n\n");
    t.append("| figure | plaintext (c) | HTTPS (d) | TLS adds |\n|---|---|---|---|\n");
    t.append(row("p50 at 1,000 req/s, µs", plain.p50().median(), https.p50().median()));
    t.append(row("p99 at 1,000 req/s, µs", plain.p99().median(), https.p99().median()));
    double envoyPlain = plain.cpuPer1k().getOrDefault("envoy", Double.NaN) * 1000;
    double envoyHttps = https.cpuPer1k().getOrDefault("envoy", Double.NaN) * 1000;
    t.append(row("Envoy CPU per request, µs", envoyPlain, envoyHttps));
    t.append(String.format(Locale.ROOT, "| saturation, req/s | %s | %s | %s of c) |%n", Report.fmt(plain.satRps().median()),
        Report.fmt(https.satRps().median()), String.format(Locale.ROOT, "%.0f %%",
            100 * https.satRps().median() / plain.satRps().median())));
    t.append("\nOpen HTTP/2 connections (4 at 1,000 req/s, 16 at saturation): one handshake each, then TLS records only.\n");
    if (!Files.isDirectory(tls)) {
      return t.toString();
    }
    List<Double> perSecond = new ArrayList<>();
    List<Double> cpuPerHandshake = new ArrayList<>();
    List<Double> handshakeUs = new ArrayList<>();
    List<Double> newConnectionRequestUs = new ArrayList<>();
    long failed = 0;
    try (Stream<Path> files = Files.list(tls)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".s_time.txt")) {
          Matcher m = S_TIME.matcher(Files.readString(file));
          Path meta = tls.resolve(name.replace(".s_time.txt", ".meta"));
          if (m.find() && Files.exists(meta)) {
            long connections = Long.parseLong(m.group(1));
            perSecond.add((double) connections / Long.parseLong(m.group(2)));
            double cpu = Double.parseDouble(Files.readString(meta).trim().replace("cpu_envoy=", ""));
            cpuPerHandshake.add(cpu / Math.max(1, connections) * 1e6);
          }
        } else if (name.startsWith("curl-")) {
          for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split(" ");
            if (f.length == 4 && f[3].equals("200")) {
              handshakeUs.add((Double.parseDouble(f[1]) - Double.parseDouble(f[0])) * 1e6);
              newConnectionRequestUs.add(Double.parseDouble(f[2]) * 1e6);
            } else if (!line.isBlank()) {
              failed++;
            }
          }
        }
      }
    }
    t.append("\nFull handshakes (TLS 1.3, ECDSA P-256, no resumption):\n\n| figure | measured |\n|---|---|\n");
    t.append(String.format(Locale.ROOT, "| sequential handshakes per second, one client (openssl s_time -new; median of %d) | %s |%n",
        perSecond.size(), Report.fmt(median(perSecond))));
    t.append(String.format(Locale.ROOT, "| Envoy CPU per handshake, µs (median of %d) | %s |%n",
        cpuPerHandshake.size(), Report.fmt(median(cpuPerHandshake))));
    t.append(String.format(Locale.ROOT, "| handshake as curl sees it (connect → TLS done), p50 / p99 µs (%d requests) | %s / %s |%n",
        handshakeUs.size(), Report.fmt(percentile(handshakeUs, 50)), Report.fmt(percentile(handshakeUs, 99))));
    t.append(String.format(Locale.ROOT, "| a request on a new HTTPS connection (curl, total), p50 / p99 µs | %s / %s |%n",
        Report.fmt(percentile(newConnectionRequestUs, 50)), Report.fmt(percentile(newConnectionRequestUs, 99))));
    t.append(String.format(Locale.ROOT, "| curl requests not answered 200 | %d |%n", failed));
    return t.toString();
  }

  private static String row(String figure, double plain, double https) {
    return String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", figure, Report.fmt(plain), Report.fmt(https),
        Report.fmt(https - plain));
  }

  private static double median(List<Double> values) {
    return percentile(values, 50);
  }

  private static double percentile(List<Double> values, double p) {
    return Percentiles.of(values, p);
  }
}
