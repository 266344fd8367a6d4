/*
 * benchfixture: the processes that CowPages' benchmark measures (build.ps1 -Task Bench).
 *
 * Usage:
 *   benchfixture fork MIB
 *     Maps MIB MiB of private anonymous memory with MADV_NOHUGEPAGE (so every page is a 4 KiB page, as in
 *     the targets), writes every page with its own content, and forks. The child then writes every
 *     4th page, so that a quarter of its pages are copies and three quarters are still shared.
 *     Prints "region anon 0xADDRESS PAGES", "pid parent PID", "pid child PID".
 *   benchfixture sparse GIB PERCENT RUNPAGES
 *     Reserves GIB GiB PROT_NONE with MAP_NORESERVE (a JVM- or Go-style heap reservation) and makes PERCENT
 *     per cent of its pages resident: runs of RUNPAGES pages, spread evenly over the reservation, each
 *     mprotect()ed read-write and written. The rest stays PROT_NONE and untouched.
 *     Prints "region sparse 0xADDRESS PAGES", "touched PAGES", "pid sparse PID".
 *   benchfixture maps COUNT
 *     Maps COUNT pages, writes each, and gives every other page PROT_READ, so that the kernel cannot merge
 *     them: COUNT VMAs. Prints "region maps 0xADDRESS PAGES", "pid maps PID".
 *
 * Then it prints "ready" and waits for end of input, which ends it; a child dies with its parent
 * (PR_SET_PDEATHSIG). It stays dumpable, so that it can be started as another user and read by that user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PAGE 4096UL

static void die(const char *what)
{
    fprintf(stderr, "benchfixture: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* A distinct word at the start of each page keeps KSM (were it enabled) from merging any two of them. */
static void write_pages(char *base, size_t first, size_t count, size_t step, uint64_t tag)
{
    for (size_t i = first; i < first + count; i += step) {
        volatile uint64_t *word = (volatile uint64_t *)(base + i * PAGE);
        word[0] = (tag << 48) ^ i;
        word[1] = (uint64_t)(uintptr_t)base;
    }
}

static void wait_for_end_of_input(void)
{
    char line[256];
    while (fgets(line, sizeof line, stdin))
        ;
}

static void run_fork(size_t mib)
{
    size_t pages = mib * 1024 * 1024 / PAGE;
    char *base = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    if (madvise(base, pages * PAGE, MADV_NOHUGEPAGE) != 0)
        die("madvise(MADV_NOHUGEPAGE)");
    /* One system call faults every page in (5.14+); the write below then only sets the content. */
    madvise(base, pages * PAGE, MADV_POPULATE_WRITE);
    write_pages(base, 0, pages, 1, 1);

    int ready[2];
    if (pipe(ready) != 0)
        die("pipe");
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        write_pages(base, 0, pages, 4, 2);
        char c = 'r';
        if (write(ready[1], &c, 1) != 1)
            die("write");
        for (;;)
            pause();
    }
    char c;
    if (read(ready[0], &c, 1) != 1)
        die("child did not get ready");
    printf("region anon 0x%lx %zu\npid parent %d\npid child %d\nready\n", (unsigned long)(uintptr_t)base, pages, parent, child);
    wait_for_end_of_input();
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static void run_sparse(size_t gib, double percent, size_t run_pages)
{
    size_t pages = gib * 1024 * 1024 * 1024 / PAGE;
    char *base = mmap(NULL, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    if (madvise(base, pages * PAGE, MADV_NOHUGEPAGE) != 0)
        die("madvise(MADV_NOHUGEPAGE)");
    size_t runs = (size_t)((double)pages * percent / 100.0 / (double)run_pages);
    if (runs == 0)
        runs = 1;
    size_t stride = pages / runs;
    size_t touched = 0;
    for (size_t r = 0; r < runs; r++) {
        /* Start each run mid-stride, so that no run touches the reservation's ends. */
        size_t first = r * stride + stride / 2;
        if (mprotect(base + first * PAGE, run_pages * PAGE, PROT_READ | PROT_WRITE) != 0)
            die("mprotect");
        write_pages(base, first, run_pages, 1, 3);
        touched += run_pages;
    }
    printf("region sparse 0x%lx %zu\ntouched %zu\npid sparse %d\nready\n", (unsigned long)(uintptr_t)base, pages, touched, getpid());
    wait_for_end_of_input();
}

static void run_maps(size_t count)
{
    char *base = mmap(NULL, count * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    write_pages(base, 0, count, 1, 4);
    for (size_t i = 1; i < count; i += 2)
        if (mprotect(base + i * PAGE, PAGE, PROT_READ) != 0)
            die("mprotect (is vm.max_map_count too low?)");
    printf("region maps 0x%lx %zu\npid maps %d\nready\n", (unsigned long)(uintptr_t)base, count, getpid());
    wait_for_end_of_input();
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    prctl(PR_SET_DUMPABLE, 1);
    if (argc == 3 && strcmp(argv[1], "fork") == 0)
        run_fork(strtoul(argv[2], NULL, 10));
    else if (argc == 5 && strcmp(argv[1], "sparse") == 0)
        run_sparse(strtoul(argv[2], NULL, 10), strtod(argv[3], NULL), strtoul(argv[4], NULL, 10));
    else if (argc == 3 && strcmp(argv[1], "maps") == 0)
        run_maps(strtoul(argv[2], NULL, 10));
    else {
        fprintf(stderr, "usage: benchfixture fork MIB | sparse GIB PERCENT RUNPAGES | maps COUNT\n");
        return 2;
    }
    return 0;
}
