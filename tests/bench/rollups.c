/*
 * rollups: reads /proc/PID/smaps_rollup of every process, the kernel's own per-process totals: the floor
 * for any tool that reports totals (Get-Process | Get-CowSummary). Processes it cannot read are skipped.
 *
 * Usage: rollups [PID]   Prints "processes N rss_kb N pss_kb N elapsed_ns N". With PID, reads only that process's.
 */
#include "benchutil.h"
#include <ctype.h>
#include <dirent.h>

static char text[16384];

static uint64_t field(const char *name)
{
    const char *at = strstr(text, name);
    return at ? strtoull(at + strlen(name), NULL, 10) : 0;
}

/* Adds one process's Rss and Pss; 0 if it cannot be read or has no memory (a kernel thread). */
static int read_rollup(const char *pid, uint64_t *rss, uint64_t *pss)
{
    char path[300];
    snprintf(path, sizeof path, "/proc/%s/smaps_rollup", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t length = 0;
    ssize_t n;
    while ((n = read(fd, text + length, sizeof text - 1 - length)) > 0)
        length += (size_t)n;
    close(fd);
    text[length] = 0;
    if (length == 0)
        return 0;
    *rss += field("\nRss:");
    *pss += field("\nPss:");
    return 1;
}

int main(int argc, char **argv)
{
    uint64_t began = now_ns();
    uint64_t processes = 0, rss = 0, pss = 0;
    if (argc == 2) {
        processes = read_rollup(argv[1], &rss, &pss);
        printf("processes %lu rss_kb %lu pss_kb %lu elapsed_ns %lu\n", processes, rss, pss, now_ns() - began);
        return processes ? 0 : 1;
    }
    DIR *proc = opendir("/proc");
    if (!proc)
        bench_die("/proc");
    struct dirent *entry;
    while ((entry = readdir(proc)))
        if (isdigit((unsigned char)entry->d_name[0]))
            processes += read_rollup(entry->d_name, &rss, &pss);
    closedir(proc);
    uint64_t elapsed = now_ns() - began;
    printf("processes %lu rss_kb %lu pss_kb %lu elapsed_ns %lu\n", processes, rss, pss, elapsed);
    return 0;
}
