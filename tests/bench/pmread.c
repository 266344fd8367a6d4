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
static uint64_t words[CHUNK_WORDS];

struct tally {
    int pagemap;
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

static void read_run(uint64_t start, uint64_t end, void *context)
{
    struct tally *t = context;
    read_range(t->pagemap, start, end, t);
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
    struct tally t = {.pagemap = pagemap};
    for (size_t v = 0; v < maps.count; v++) {
        if (maps.vmas[v].start >= KERNEL_HALF)
            continue;
        long calls = scan ? scan_runs(pagemap, maps.vmas[v].start, maps.vmas[v].end, read_run, &t) : -1;
        if (calls < 0)
            read_range(pagemap, maps.vmas[v].start, maps.vmas[v].end, &t);
        else
            t.scans += (uint64_t)calls;
    }
    uint64_t elapsed = now_ns() - began;
    printf("vmas %zu pages %lu present %lu exclusive %lu file %lu swapped %lu reads %lu scans %lu elapsed_ns %lu\n",
           maps.count, t.pages, t.present, t.exclusive, t.file, t.swapped, t.reads, t.scans, elapsed);
    return 0;
}
