using CowPages.Decoding;
using CowPages.Frames;

namespace CowPages.Summary;

/// <summary>
/// Page counts behind one <see cref="CowSummary"/>, accumulated page by page without allocating. The rules follow
/// the kernel's own smaps accounting (<c>smaps_account()</c> in <c>fs/proc/task_mmu.c</c>), so that the totals agree
/// with <c>/proc/PID/smaps_rollup</c>.
/// </summary>
public struct CowCounters
{
    /// <summary>The kernel's fixed-point shift for Pss (PSS_SHIFT): sums stay exact until the final division.</summary>
    public const int PssShift = 12;

    public ulong Rss;
    public ulong Uss;
    public ulong Swap;
    public ulong Anonymous;
    public ulong File;
    public ulong Shmem;
    public ulong CowShared;
    public ulong CowPrivate;
    public ulong FileCopies;
    public ulong Ksm;
    public ulong Zero;
    public ulong LargeFolio;

    /// <summary>Pss in bytes shifted left by <see cref="PssShift"/>, summed as smaps does.</summary>
    public ulong PssFixed;

    internal const ulong LargeFolioFlags = (ulong)(PageFlags.CompoundHead | PageFlags.CompoundTail | PageFlags.Thp | PageFlags.Huge);

    /// <summary>
    /// True when a present page's exclusive bit already says its frame is mapped once, so that its kpagecount word need
    /// not be read (each costs the kernel over 100 ns). Large folios are left to kpagecount: there the bit and the count
    /// follow different rules on 6.x.
    /// </summary>
    internal static bool MappedOnceByExclusiveBit(bool exclusive, in FrameInfo frame) =>
        exclusive && frame.Found && ((ulong)frame.PageFlags & LargeFolioFlags) == 0;

    /// <summary>
    /// Adds one page with what the kpage* files say about its frame (root). Pages without rmap accounting (map count 0:
    /// the zero page, VM_PFNMAP frames) are left out of Rss, as smaps leaves them out. Without
    /// <paramref name="ksmFlagTrusted"/> (a kernel that flags every anonymous page KSM) the KSM flag is ignored.
    /// </summary>
    public void AddExact(PagemapWord word, in FrameInfo frame, ulong zeroPfn, bool fileBacked, bool ksmFlagTrusted = true)
    {
        if (word.SwappedOut)
        {
            Swap++;
            return;
        }
        if (!word.Present)
        {
            return;
        }
        PageFlags flags = frame.PageFlags;
        if ((zeroPfn != 0 && word.Pfn == zeroPfn) || (flags & PageFlags.ZeroPage) != 0)
        {
            Zero++;
            return;
        }
        if (frame.MapCount == 0)
        {
            return;
        }
        Rss++;
        bool single = frame.MapCount < 2;
        PssFixed += single ? PageGeometry.PageSize << PssShift : (PageGeometry.PageSize << PssShift) / frame.MapCount;
        if (single)
        {
            Uss++;
        }
        if (((ulong)flags & LargeFolioFlags) != 0)
        {
            LargeFolio++;
        }
        if (word.FileOrSharedAnon)
        {
            if ((flags & PageFlags.SwapBacked) != 0)
            {
                Shmem++;
            }
            else
            {
                File++;
            }
            return;
        }
        Anonymous++;
        if (ksmFlagTrusted && (flags & PageFlags.Ksm) != 0)
        {
            Ksm++;
            return;
        }
        if (single)
        {
            CowPrivate++;
        }
        else
        {
            CowShared++;
        }
        if (fileBacked)
        {
            FileCopies++;
        }
    }

    /// <summary>
    /// Adds one page from its pagemap word alone (no frames). The exclusive bit stands in for "map count is 1"; KSM
    /// pages cannot be recognised and count as anonymous pages. <paramref name="zeroPage"/> says the caller knows the
    /// page is the zero page (from PAGEMAP_SCAN, or by its PFN); the huge zero page is the one present page with the
    /// file bit in a private anonymous mapping (<paramref name="privateAnonymous"/>).
    /// </summary>
    public void AddFromFlags(PagemapWord word, bool fileBacked, bool shmemMapping, bool privateAnonymous = false, bool zeroPage = false)
    {
        if (word.SwappedOut)
        {
            Swap++;
            return;
        }
        if (!word.Present)
        {
            return;
        }
        if (zeroPage || (privateAnonymous && word.FileOrSharedAnon))
        {
            Zero++;
            return;
        }
        Rss++;
        if (word.Exclusive)
        {
            Uss++;
        }
        if (word.FileOrSharedAnon)
        {
            if (shmemMapping)
            {
                Shmem++;
            }
            else
            {
                File++;
            }
            return;
        }
        Anonymous++;
        if (word.Exclusive)
        {
            CowPrivate++;
        }
        else
        {
            CowShared++;
        }
        if (fileBacked)
        {
            FileCopies++;
        }
    }

    /// <summary>
    /// The summary these counts make, in bytes. <paramref name="pss"/> and <paramref name="largeFolio"/> replace the
    /// counted values where they came from the kernel's smaps instead (without map counts, pages cannot give them).
    /// </summary>
    public readonly CowSummary ToSummary(int processId, ProcessStatus status, string? mapping, CowMethod method,
        ulong? pss = null, ulong? largeFolio = null) => new(processId, status.Name, status.ParentId, mapping, method)
    {
        Rss = PageGeometry.Bytes(Rss),
        Pss = pss ?? PssFixed >> PssShift,
        Uss = PageGeometry.Bytes(Uss),
        Swap = PageGeometry.Bytes(Swap),
        Anonymous = PageGeometry.Bytes(Anonymous),
        File = PageGeometry.Bytes(File),
        Shmem = PageGeometry.Bytes(Shmem),
        CowShared = PageGeometry.Bytes(CowShared),
        CowPrivate = PageGeometry.Bytes(CowPrivate),
        FileCopies = PageGeometry.Bytes(FileCopies),
        Ksm = PageGeometry.Bytes(Ksm),
        Zero = PageGeometry.Bytes(Zero),
        LargeFolio = largeFolio ?? PageGeometry.Bytes(LargeFolio),
    };

    /// <summary>
    /// Moves <paramref name="pages"/> anonymous pages that were counted as shared into Zero: zero-page mappings found
    /// only afterwards, by comparing with the kernel's smaps. They were never exclusive, so they sit in CowShared.
    /// </summary>
    public void MoveSharedToZero(ulong pages)
    {
        pages = System.Math.Min(pages, System.Math.Min(CowShared, System.Math.Min(Anonymous, Rss)));
        Zero += pages;
        CowShared -= pages;
        Anonymous -= pages;
        Rss -= pages;
    }

    /// <summary>
    /// Replaces the copy-on-write split with <paramref name="privatePages"/> mapped once and the rest of
    /// <paramref name="anonymousPages"/> shared: the kernel's own per-page counts for a mapping whose exclusive bits
    /// are wrong (PMD-mapped THPs report the first page's bit for all 512). Only for counts of one anonymous mapping.
    /// </summary>
    public void SetSplit(ulong anonymousPages, ulong privatePages)
    {
        ulong shared = anonymousPages > privatePages ? anonymousPages - privatePages : 0;
        Uss = Uss - System.Math.Min(Uss, CowPrivate) + privatePages;
        CowPrivate = privatePages;
        CowShared = shared;
    }

    /// <summary>
    /// Moves up to <paramref name="pages"/> shared anonymous pages into Ksm: the number of pages KSM merged, when the
    /// kernel's flags cannot say which ones they are.
    /// </summary>
    public void MoveSharedToKsm(ulong pages)
    {
        pages = System.Math.Min(pages, CowShared);
        Ksm += pages;
        CowShared -= pages;
    }

    public void Add(in CowCounters other)
    {
        Rss += other.Rss;
        Uss += other.Uss;
        Swap += other.Swap;
        Anonymous += other.Anonymous;
        File += other.File;
        Shmem += other.Shmem;
        CowShared += other.CowShared;
        CowPrivate += other.CowPrivate;
        FileCopies += other.FileCopies;
        Ksm += other.Ksm;
        Zero += other.Zero;
        LargeFolio += other.LargeFolio;
        PssFixed += other.PssFixed;
    }
}
