/*
 * forkcmp: the C lower bound for Compare-ForkPages as root. Lines up two processes' mappings (same range,
 * same name), reads both pagemaps in lockstep 32 KiB chunks and classifies each page by PFN, by the rules of
 * CowPages' ForkPageClassifier.ByPfn: shared, zero, copied, reference-only, difference-only, swapped, not present.
 *
 * Usage: forkcmp REFERENCE_PID DIFFERENCE_PID
 *   Prints one line of "name value" pairs (totals over all compared ranges), ending with "cpu_ns N" (the CPU time
 *   of the work) and "elapsed_ns N".
 *   The zero page's PFN is found before the clock starts, as CowPages finds it once per session.
 */
#include "benchutil.h"

#define KPF_THP (1UL << 22)
#define KPF_ZERO_PAGE (1UL << 24)

enum { SHARED, ZERO, COPIED, REFERENCE_ONLY, DIFFERENCE_ONLY, SWAPPED, NOT_PRESENT, NSTATES };
static const char *state_names[NSTATES] = {"shared", "zero", "copied", "reference_only", "difference_only", "swapped", "not_present"};

/*
 * 4096 pages a chunk, as CowPages' ForkComparer reads: the kernel reads each present page's struct page to fill in
 * its word, and a shared page is the same struct page on both sides, still in cache for the second read when the
 * chunk is this small. Chunks of 128K pages cost about 1.7 x the CPU time on a 2 GiB fork.
 */
#define FORK_CHUNK_WORDS 4096
static uint64_t reference_words[FORK_CHUNK_WORDS], difference_words[FORK_CHUNK_WORDS];

static uint64_t find_zero_pfn(void)
{
    static uint64_t window[65536];
    int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    for (uint64_t first = 0;; first += 65536) {
        size_t got = pread_full(fd, window, sizeof window, first * 8) / 8;
        for (size_t i = 0; i < got; i++)
            if ((window[i] & KPF_ZERO_PAGE) && !(window[i] & KPF_THP)) {
                close(fd);
                return first + i;
            }
        if (got < 65536)
            break;
    }
    close(fd);
    return 0;
}

static int swapped_out(uint64_t w)
{
    return (w & PM_SWAP) && !(w & PM_PRESENT) && !(w & PM_GUARD);
}

static int classify(uint64_t r, uint64_t d, uint64_t zero_pfn, int private_anon)
{
    if (swapped_out(r) || swapped_out(d))
        return SWAPPED;
    int rp = (r & PM_PRESENT) != 0, dp = (d & PM_PRESENT) != 0;
    if (!rp)
        return dp ? DIFFERENCE_ONLY : NOT_PRESENT;
    if (!dp)
        return REFERENCE_ONLY;
    uint64_t pfn = r & PM_PFN_MASK;
    if (pfn != (d & PM_PFN_MASK))
        return COPIED;
    return (zero_pfn && pfn == zero_pfn) || (private_anon && (r & PM_FILE)) ? ZERO : SHARED;
}

/* The VMA of `m` that covers addr, moving the cursor forward only (both lists are in address order). */
static const struct vma *covering(const struct maps *m, size_t *cursor, uint64_t addr)
{
    while (*cursor < m->count && m->vmas[*cursor].end <= addr)
        (*cursor)++;
    return *cursor < m->count && m->vmas[*cursor].start <= addr ? &m->vmas[*cursor] : NULL;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: forkcmp REFERENCE_PID DIFFERENCE_PID\n");
        return 2;
    }
    int reference_pid = atoi(argv[1]), difference_pid = atoi(argv[2]);
    uint64_t zero_pfn = find_zero_pfn();

    uint64_t began = now_ns(), cpu_began = cpu_ns();
    struct maps rm = read_maps(reference_pid), dm = read_maps(difference_pid);
    int rfd = open_proc("/proc/%d/pagemap", reference_pid), dfd = open_proc("/proc/%d/pagemap", difference_pid);

    /* Every boundary of either list, sorted: between two neighbours each side's covering VMA is constant. */
    size_t nb = 2 * (rm.count + dm.count);
    uint64_t *bounds = malloc((nb + 1) * sizeof *bounds);
    size_t k = 0;
    for (size_t i = 0; i < rm.count; i++) {
        bounds[k++] = rm.vmas[i].start;
        bounds[k++] = rm.vmas[i].end;
    }
    for (size_t i = 0; i < dm.count; i++) {
        bounds[k++] = dm.vmas[i].start;
        bounds[k++] = dm.vmas[i].end;
    }
    qsort(bounds, nb, sizeof *bounds, compare_u64);

    uint64_t states[NSTATES] = {0}, pages = 0, segments = 0;
    size_t rc = 0, dc = 0;
    for (size_t b = 0; b + 1 < nb; b++) {
        uint64_t from = bounds[b], to = bounds[b + 1];
        if (from == to || from >= KERNEL_HALF)
            continue;
        const struct vma *r = covering(&rm, &rc, from), *d = covering(&dm, &dc, from);
        if (!r || !d || strcmp(r->name, d->name) != 0)
            continue;
        /* Extend over following intervals covered by the same two VMAs, as one segment. */
        while (b + 2 < nb && bounds[b + 2] <= r->end && bounds[b + 2] <= d->end)
            to = bounds[++b + 1];
        segments++;
        int private_anon = r->perms[3] == 'p' && r->inode == 0;
        uint64_t page = from >> PAGE_SHIFT, end = to >> PAGE_SHIFT;
        while (page < end) {
            size_t want = end - page < FORK_CHUNK_WORDS ? (size_t)(end - page) : FORK_CHUNK_WORDS;
            size_t got = pread_full(rfd, reference_words, want * 8, page * 8) / 8;
            size_t got_d = got ? pread_full(dfd, difference_words, got * 8, page * 8) / 8 : 0;
            if (got_d == 0) {
                fprintf(stderr, "forkcmp: a process exited\n");
                return 1;
            }
            for (size_t i = 0; i < got_d; i++)
                states[classify(reference_words[i], difference_words[i], zero_pfn, private_anon)]++;
            page += got_d;
            pages += got_d;
        }
    }
    uint64_t elapsed = now_ns() - began, cpu = cpu_ns() - cpu_began;
    printf("segments %lu pages %lu", segments, pages);
    for (int s = 0; s < NSTATES; s++)
        printf(" %s %lu", state_names[s], states[s]);
    printf(" cpu_ns %lu elapsed_ns %lu\n", cpu, elapsed);
    return 0;
}
