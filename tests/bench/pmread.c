/*
 * pmread: a plain read of one process's pagemap over all its mappings, in 1 MiB chunks, with no kpage*
 * lookups: the lower bound for what an unprivileged Get-CowSummary must read, and the cost of reading a
 * whole (sparse) pagemap. It counts present, exclusive, file and swapped pages so that the words are used.
 *
 * Usage: pmread [-s] PID
 *   -s  asks PAGEMAP_SCAN (Linux 6.7+) for the present or swapped runs first and reads only their words:
 *       the lower bound for a walker that skips empty ranges.
 *   Prints one line of "name value" pairs, ending with "elapsed_ns N".
 */
#include "benchutil.h"
#include <sys/ioctl.h>

#define PAGEMAP_SCAN_REQUEST 0xC0606610UL
#define PAGE_IS_PRESENT (1UL << 3)
#define PAGE_IS_SWAPPED (1UL << 4)
#define REGIONS 4096

/* struct pm_scan_arg and struct page_region of include/uapi/linux/fs.h, spelled out for older headers. */
struct scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct region {
    uint64_t start, end, categories;
};

static uint64_t words[CHUNK_WORDS];
static struct region regions[REGIONS];

struct tally {
    uint64_t pages, present, exclusive, file, swapped, reads, scans;
};

static void read_range(int pagemap, uint64_t start, uint64_t end, struct tally *t)
{
    uint64_t page = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    while (page < last) {
        size_t want = last - page < CHUNK_WORDS ? (size_t)(last - page) : CHUNK_WORDS;
        size_t got = pread_full(pagemap, words, want * 8, page * 8) / 8;
        t->reads++;
        if (got == 0)
            return;
        for (size_t i = 0; i < got; i++) {
            uint64_t w = words[i];
            t->present += (w & PM_PRESENT) != 0;
            t->exclusive += (w & PM_EXCLUSIVE) != 0;
            t->file += (w & PM_FILE) != 0;
            t->swapped += (w & PM_SWAP) != 0;
        }
        page += got;
        t->pages += got;
    }
}

/* Reads only the runs that PAGEMAP_SCAN reports as present or swapped; 0 if the ioctl is missing. */
static int scan_range(int pagemap, uint64_t start, uint64_t end, struct tally *t)
{
    uint64_t at = start;
    while (at < end) {
        struct scan_arg arg = {
            .size = sizeof arg, .start = at, .end = end, .vec = (uint64_t)(uintptr_t)regions, .vec_len = REGIONS,
            .category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED, .return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
        };
        int n = ioctl(pagemap, PAGEMAP_SCAN_REQUEST, &arg);
        if (n < 0)
            return 0;
        t->scans++;
        for (int i = 0; i < n; i++)
            read_range(pagemap, regions[i].start, regions[i].end, t);
        if (arg.walk_end <= at)
            break;
        at = arg.walk_end;
    }
    return 1;
}

int main(int argc, char **argv)
{
    int scan = argc == 3 && strcmp(argv[1], "-s") == 0;
    if (argc != 2 + scan) {
        fprintf(stderr, "usage: pmread [-s] PID\n");
        return 2;
    }
    int pid = atoi(argv[1 + scan]);
    uint64_t began = now_ns();
    struct maps maps = read_maps(pid);
    int pagemap = open_proc("/proc/%d/pagemap", pid);
    struct tally t = {0};
    for (size_t v = 0; v < maps.count; v++) {
        if (maps.vmas[v].start >= KERNEL_HALF)
            continue;
        if (!scan || !scan_range(pagemap, maps.vmas[v].start, maps.vmas[v].end, &t))
            read_range(pagemap, maps.vmas[v].start, maps.vmas[v].end, &t);
    }
    uint64_t elapsed = now_ns() - began;
    printf("vmas %zu pages %lu present %lu exclusive %lu file %lu swapped %lu reads %lu scans %lu elapsed_ns %lu\n",
           maps.count, t.pages, t.present, t.exclusive, t.file, t.swapped, t.reads, t.scans, elapsed);
    return 0;
}
