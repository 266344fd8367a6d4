/*
 * benchutil.h: the little that CowPages' C reference readers share: a maps parser, whole-buffer
 * pread, a monotonic clock and an LSD radix sort. Written for the benchmark; each reader is one .c file.
 */
#ifndef COWPAGES_BENCHUTIL_H
#define COWPAGES_BENCHUTIL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
/* 1 MiB of pagemap: 128 Ki words, 512 MiB of address space per read. */
#define CHUNK_WORDS (128 * 1024)
/* Addresses from here up are the kernel's ([vsyscall]); pagemap does not describe them. */
#define KERNEL_HALF (1UL << 63)

#define PM_PFN_MASK ((1UL << 55) - 1)
#define PM_EXCLUSIVE (1UL << 56)
#define PM_GUARD (1UL << 58)
#define PM_FILE (1UL << 61)
#define PM_SWAP (1UL << 62)
#define PM_PRESENT (1UL << 63)

struct vma {
    uint64_t start, end;
    uint64_t inode;
    const char *name; /* points into the maps text; "" for anonymous ranges */
    char perms[5];
};

struct maps {
    char *text;
    struct vma *vmas;
    size_t count;
};

static inline void bench_die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    exit(1);
}

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000UL + (uint64_t)ts.tv_nsec;
}

/* CPU time this process has used, user and system: what a reader costs the machine, whatever else runs on it. */
static inline uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000UL + (uint64_t)ts.tv_nsec;
}

/* Reads at offset until the buffer is full or the file ends; returns the bytes read. */
static inline size_t pread_full(int fd, void *buffer, size_t length, uint64_t offset)
{
    size_t done = 0;
    while (done < length) {
        ssize_t n = pread(fd, (char *)buffer + done, length - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            bench_die("pread");
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return done;
}

static inline int open_proc(const char *format, int pid)
{
    char path[64];
    snprintf(path, sizeof path, format, pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        bench_die(path);
    return fd;
}

/* Reads /proc/PID/maps whole (a seq file: read to EOF) and splits it into VMAs in place. */
static inline struct maps read_maps(int pid)
{
    struct maps m = {0};
    int fd = open_proc("/proc/%d/maps", pid);
    size_t capacity = 1 << 20, length = 0;
    m.text = malloc(capacity);
    for (;;) {
        if (length + 65536 > capacity) {
            capacity *= 2;
            m.text = realloc(m.text, capacity);
        }
        ssize_t n = read(fd, m.text + length, capacity - length - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            bench_die("read maps");
        if (n == 0)
            break;
        length += (size_t)n;
    }
    close(fd);
    m.text[length] = 0;

    size_t lines = 0;
    for (size_t i = 0; i < length; i++)
        lines += m.text[i] == '\n';
    m.vmas = calloc(lines + 1, sizeof *m.vmas);
    char *line = m.text;
    while (*line) {
        char *newline = strchr(line, '\n');
        if (newline)
            *newline = 0;
        struct vma *v = &m.vmas[m.count];
        int name_at = 0;
        unsigned long long start, end, inode;
        if (sscanf(line, "%llx-%llx %4s %*x %*s %llu %n", &start, &end, v->perms, &inode, &name_at) >= 4) {
            v->start = start;
            v->end = end;
            v->inode = inode;
            v->name = name_at ? line + name_at : "";
            m.count++;
        }
        if (!newline)
            break;
        line = newline + 1;
    }
    return m;
}

/* Sorts keys in place by their low `bits` bits, 8 bits a pass (LSD radix); scratch holds n keys. */
static inline void radix_sort(uint64_t *keys, uint64_t *scratch, size_t n, unsigned bits)
{
    uint64_t *from = keys, *to = scratch;
    for (unsigned shift = 0; shift < bits; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((from[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & 0xff]++] = from[i];
        uint64_t *t = from;
        from = to;
        to = t;
    }
    if (from != keys)
        memcpy(keys, from, n * sizeof *keys);
}

/* How many bits, a multiple of 8 (one radix pass each), hold max_key. */
static inline unsigned pfn_bits(uint64_t max_key)
{
    unsigned bits = 8;
    while (bits < 64 && (max_key >> bits) != 0)
        bits += 8;
    return bits;
}

/* PAGEMAP_SCAN (Linux 6.7+): struct pm_scan_arg and struct page_region of include/uapi/linux/fs.h, spelled out for older headers. */
#define PAGEMAP_SCAN_REQUEST 0xC0606610UL
#define PAGE_IS_PRESENT (1UL << 3)
#define PAGE_IS_SWAPPED (1UL << 4)
#define SCAN_REGIONS 4096

struct scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct scan_region {
    uint64_t start, end, categories;
};

/*
 * Calls visit(start, end, context) for each run of present or swapped pages in [start, end), as PAGEMAP_SCAN reports
 * them. Returns the number of ioctls, or -1 if the kernel has no PAGEMAP_SCAN (the caller then reads plainly).
 */
static inline long scan_runs(int pagemap, uint64_t start, uint64_t end, void (*visit)(uint64_t, uint64_t, void *), void *context)
{
    static struct scan_region regions[SCAN_REGIONS];
    long calls = 0;
    uint64_t at = start;
    while (at < end) {
        struct scan_arg arg = {
            .size = sizeof arg, .start = at, .end = end, .vec = (uint64_t)(uintptr_t)regions, .vec_len = SCAN_REGIONS,
            .category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED, .return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
        };
        int n = ioctl(pagemap, PAGEMAP_SCAN_REQUEST, &arg);
        if (n < 0)
            return calls ? calls : -1;
        calls++;
        for (int i = 0; i < n; i++)
            visit(regions[i].start, regions[i].end, context);
        if (arg.walk_end <= at)
            break;
        at = arg.walk_end;
    }
    return calls;
}

#endif
