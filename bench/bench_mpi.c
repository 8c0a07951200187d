/*
 * Replications over MPI ranks (-DWX_MPI=ON, issue 17): runs `wxflow run`
 * under mpirun with 1 rank and with 2 (one thread each), median of 3, and
 * prints the wall times, replications per second and the speed-up of 2
 * ranks against 1, with the load average before and after: the figure
 * means something only on an idle machine.  mpirun's start-up is in the
 * headline times, as it is for a user; the start-up, measured on a run of
 * 2 replications, is also taken out in a second figure.  Target: >= 1.8x
 * on an idle 2-core machine, start-up included.
 *
 * Why 600 replications by default: the start-up (mpirun, MPI_Init, every
 * rank parsing the scenario) is paid once, the work halves, so the speed-up
 * with start-up approaches the one without as the run grows.  At 200
 * replications it measured 1.67-1.74x against 1.91-2.02x without, which
 * puts the start-up near a fifth of one rank's work; 1.8x then needs about
 * 2-2.5 times the work.  The last line prints the smallest run that
 * reaches 1.8x at the start-up measured.
 *
 * Usage: bench_mpi [SCENARIO] [REPLICATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* CPU seconds used by the finished children so far (mpirun and ranks). */
static double children_cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_CHILDREN, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void print_load(const char *when) {
  char buf[128] = "?";
  FILE *fp = fopen("/proc/loadavg", "r");
  if (fp && fgets(buf, sizeof buf, fp)) buf[strcspn(buf, "\n")] = '\0';
  if (fp) fclose(fp);
  printf("load average %s: %s\n", when, buf);
}

/* One run under mpirun with `ranks` ranks; its wall time. */
static double run(int ranks, const char *scenario, const char *reps,
                  const char *out) {
  char np[16];
  snprintf(np, sizeof np, "%d", ranks);
  double t0 = now();
  pid_t pid = fork();
  if (pid == 0) {
    execlp(WX_MPIEXEC, WX_MPIEXEC, "--oversubscribe", "--allow-run-as-root",
           "-np", np, WX_CLI, "run", scenario, "-o", out, "-f", "-r", reps,
           "-j", "1", "-q", "--no-charts", "--no-series", (char *)NULL);
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    fprintf(stderr, "bench_mpi: the run under %d rank(s) failed\n", ranks);
    exit(1);
  }
  return now() - t0;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median wall time of 3 runs; *cpu: their mean CPU time. */
static double median3(int ranks, const char *s, const char *reps,
                      const char *out, double *cpu) {
  double t[3], c0 = children_cpu();
  for (int i = 0; i < 3; i++) t[i] = run(ranks, s, reps, out);
  *cpu = (children_cpu() - c0) / 3;
  qsort(t, 3, sizeof *t, cmp);
  return t[1];
}

int main(int argc, char **argv) {
  const char *scenario =
      argc > 1 ? argv[1] : WX_SOURCE_DIR "/bench/threads.yaml";
  const char *reps = argc > 2 ? argv[2] : "600";
  char out[] = "/tmp/wxflow_bench_mpi_XXXXXX";
  if (!mkdtemp(out)) {
    perror("bench_mpi: mkdtemp");
    return 1;
  }
  char dir[sizeof out + 8];
  snprintf(dir, sizeof dir, "%s/r", out);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  printf("bench_mpi: %s, %s replications, 1 thread per rank, %ld cores\n",
         scenario, reps, cores);
  print_load("before");
  double c0, c1, c2;
  double t0 = median3(2, scenario, "2", dir, &c0); /* start-up, ~no work */
  double t1 = median3(1, scenario, reps, dir, &c1);
  double t2 = median3(2, scenario, reps, dir, &c2);
  print_load("after");
  double n = atof(reps);
  printf("1 rank : %7.2f s  %7.2f replications/s  %7.2f CPU s\n", t1, n / t1,
         c1);
  printf("2 ranks: %7.2f s  %7.2f replications/s  %7.2f CPU s\n", t2, n / t2,
         c2);
  printf(
      "speed-up of 2 ranks against 1: %.2fx (target >= 1.8x on an idle "
      "2-core machine)\n",
      t1 / t2);
  if (t2 > t0) {
    double sw = (t1 - t0) / (t2 - t0), per = (t1 - t0) / n;
    printf(
        "without mpirun's start-up (%.2f s, 2 ranks x 1 replication): "
        "%.2fx\n",
        t0, sw);
    /* (t0 + n per) / (t0 + n per / sw) = 1.8, solved for n. */
    if (sw > 1.8 && per > 0)
      printf(
          "at this start-up, 1.8x with start-up needs >= %.0f replications "
          "of this scenario\n",
          0.8 * t0 / (per * (1 - 1.8 / sw)));
  }
  /* CPU time does not depend on how busy the machine is: what the ranks
   * cost beyond the work itself bounds the speed-up an idle machine gives. */
  printf(
      "CPU time of 2 ranks over 1: %.2f (1.00: distribution costs "
      "nothing; idle-machine bound on the speed-up 2 / that = %.2fx)\n",
      c2 / c1, 2 * c1 / c2);
  char cmd[sizeof out + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
  if (system(cmd) != 0)
    fprintf(stderr, "bench_mpi: could not remove %s\n", out);
  return 0;
}
