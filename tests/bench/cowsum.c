/*
 * cowsum: the C lower bound for Get-CowSummary as root. Reads one process's pagemap mapping by mapping in
 * 1 MiB chunks; per chunk it radix-sorts the present PFNs, merges them into windows (gap <= 4 frames, at most
 * 64 Ki frames) and reads /proc/kpageflags once per window; then /proc/kpagecount, the same way, for the frames
 * whose map count the pagemap has not already given (a small page with the exclusive bit is mapped once). It counts pages by the same
 * rules as CowPages' CowCounters.AddExact (the kernel's smaps_account()), so that the two can be checked
 * against each other.
 *
 * Usage: cowsum [-s] PID
 *   -s  asks PAGEMAP_SCAN (Linux 6.7+) for the present or swapped runs first and reads only their words.
 *   Prints one line of "name value" pairs, ending with "elapsed_ns N".
 */
#include "benchutil.h"

#define MAX_GAP 4
#define MAX_WINDOW 65536
#define PSS_SHIFT 12

#define KPF_SWAPBACKED (1UL << 14)
#define KPF_COMPOUND_HEAD (1UL << 15)
#define KPF_COMPOUND_TAIL (1UL << 16)
#define KPF_HUGE (1UL << 17)
#define KPF_KSM (1UL << 21)
#define KPF_THP (1UL << 22)
#define KPF_ZERO_PAGE (1UL << 24)

struct counters {
    uint64_t rss, uss, swap, anon, file, shmem, cow_shared, cow_private, file_copies, ksm, zero, large, pss_fixed;
};

static uint64_t words[CHUNK_WORDS];
/* Sort keys: PFN << 2 | exclusive bit << 1 | file bit, so that the sort keeps the pagemap bits the counting needs. */
#define KEY_SHIFT 2
#define KEY_EXCLUSIVE 2
#define KEY_FILE 1
static uint64_t keys[CHUNK_WORDS], scratch[CHUNK_WORDS];
/* The frames still needing kpagecount, in PFN order, with their flags. */
static uint64_t count_keys[CHUNK_WORDS], count_flags[CHUNK_WORDS];
static uint64_t window[MAX_WINDOW];

static void add_frame(struct counters *c, uint64_t key, uint64_t flags, uint64_t count, int file_backed)
{
    if (flags & KPF_ZERO_PAGE) {
        c->zero++;
        return;
    }
    if (count == 0)
        return;
    c->rss++;
    int single = count < 2;
    c->pss_fixed += single ? PAGE_SIZE << PSS_SHIFT : (PAGE_SIZE << PSS_SHIFT) / count;
    c->uss += single;
    if (flags & (KPF_COMPOUND_HEAD | KPF_COMPOUND_TAIL | KPF_THP | KPF_HUGE))
        c->large++;
    if (key & KEY_FILE) {
        if (flags & KPF_SWAPBACKED)
            c->shmem++;
        else
            c->file++;
        return;
    }
    c->anon++;
    if (flags & KPF_KSM) {
        c->ksm++;
        return;
    }
    if (single)
        c->cow_private++;
    else
        c->cow_shared++;
    c->file_copies += file_backed;
}

/* The window that starts at sorted key `first`: sets *last and *start, returns its length in frames. */
static size_t window_at(const uint64_t *sorted, size_t n, size_t first, size_t *last, uint64_t *start)
{
    *start = sorted[first] >> KEY_SHIFT;
    size_t l = first;
    while (l + 1 < n && (sorted[l + 1] >> KEY_SHIFT) - (sorted[l] >> KEY_SHIFT) <= MAX_GAP && (sorted[l + 1] >> KEY_SHIFT) - *start < MAX_WINDOW)
        l++;
    *last = l;
    return (size_t)((sorted[l] >> KEY_SHIFT) - *start + 1);
}

static void lookup(int kflags, int kcount, struct counters *c, size_t n, unsigned bits, int file_backed)
{
    radix_sort(keys, scratch, n, bits);
    size_t need = 0, last;
    uint64_t start;
    for (size_t first = 0; first < n; first = last + 1) {
        size_t length = window_at(keys, n, first, &last, &start);
        size_t got = pread_full(kflags, window, length * 8, start * 8) / 8;
        for (size_t k = first; k <= last; k++) {
            size_t at = (size_t)((keys[k] >> KEY_SHIFT) - start);
            if (at >= got)
                continue;
            uint64_t flags = window[at];
            if ((keys[k] & KEY_EXCLUSIVE) && !(flags & (KPF_COMPOUND_HEAD | KPF_COMPOUND_TAIL | KPF_THP | KPF_HUGE)))
                add_frame(c, keys[k], flags, 1, file_backed);
            else {
                count_keys[need] = keys[k];
                count_flags[need++] = flags;
            }
        }
    }
    /* Already in PFN order: the count windows need no second sort. */
    for (size_t first = 0; first < need; first = last + 1) {
        size_t length = window_at(count_keys, need, first, &last, &start);
        size_t got = pread_full(kcount, window, length * 8, start * 8) / 8;
        for (size_t k = first; k <= last; k++) {
            size_t at = (size_t)((count_keys[k] >> KEY_SHIFT) - start);
            add_frame(c, count_keys[k], count_flags[k], at < got ? window[at] : 0, file_backed);
        }
    }
}

struct walk {
    int pid, pagemap, kflags, kcount, file_backed;
    unsigned bits;
    uint64_t pages;
    struct counters c;
};

static void sum_range(uint64_t start, uint64_t end, void *context)
{
    struct walk *w = context;
    uint64_t page = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    while (page < last) {
        size_t want = last - page < CHUNK_WORDS ? (size_t)(last - page) : CHUNK_WORDS;
        size_t got = pread_full(w->pagemap, words, want * 8, page * 8) / 8;
        if (got == 0) {
            fprintf(stderr, "cowsum: process %d exited\n", w->pid);
            exit(1);
        }
        size_t n = 0;
        for (size_t i = 0; i < got; i++) {
            uint64_t word = words[i];
            if (word & PM_PRESENT)
                keys[n++] = ((word & PM_PFN_MASK) << KEY_SHIFT) | ((word & PM_EXCLUSIVE) ? KEY_EXCLUSIVE : 0) | ((word & PM_FILE) ? KEY_FILE : 0);
            else if ((word & PM_SWAP) && !(word & PM_GUARD))
                w->c.swap++;
        }
        lookup(w->kflags, w->kcount, &w->c, n, w->bits, w->file_backed);
        page += got;
        w->pages += got;
    }
}

int main(int argc, char **argv)
{
    int scan = argc == 3 && strcmp(argv[1], "-s") == 0;
    if (argc != 2 + scan) {
        fprintf(stderr, "usage: cowsum [-s] PID\n");
        return 2;
    }
    struct walk w = {.pid = atoi(argv[1 + scan])};
    uint64_t began = now_ns();
    struct maps maps = read_maps(w.pid);
    w.pagemap = open_proc("/proc/%d/pagemap", w.pid);
    w.kflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
    w.kcount = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
    if (w.kflags < 0 || w.kcount < 0)
        bench_die("open /proc/kpage* (needs root)");
    /* Keys hold PFN << KEY_SHIFT; the highest possible PFN decides how many radix passes a sort needs. */
    off_t frames = lseek(w.kflags, 0, SEEK_END);
    w.bits = pfn_bits(frames > 0 ? ((uint64_t)frames / 8) << KEY_SHIFT : UINT64_MAX);

    for (size_t v = 0; v < maps.count; v++) {
        if (maps.vmas[v].start >= KERNEL_HALF)
            continue;
        w.file_backed = maps.vmas[v].inode != 0;
        if (!scan || scan_runs(w.pagemap, maps.vmas[v].start, maps.vmas[v].end, sum_range, &w) < 0)
            sum_range(maps.vmas[v].start, maps.vmas[v].end, &w);
    }
    uint64_t elapsed = now_ns() - began;
    struct counters c = w.c;
    printf("vmas %zu pages %lu rss %lu uss %lu pss %lu swap %lu anon %lu file %lu shmem %lu cow_shared %lu cow_private %lu "
           "file_copies %lu ksm %lu zero %lu large %lu elapsed_ns %lu\n",
           maps.count, w.pages, c.rss, c.uss, c.pss_fixed >> PSS_SHIFT, c.swap, c.anon, c.file, c.shmem, c.cow_shared,
           c.cow_private, c.file_copies, c.ksm, c.zero, c.large, elapsed);
    return 0;
}
