using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>
/// A made-up but realistic process family as an in-memory snapshot: a parent and a forked child that share most
/// anonymous pages, with copies, zero pages, a private file mapping with copied and page-cache pages, swap entries,
/// a guard marker, soft-dirty holes and a sparse reservation; and a second child with a range that changed during the
/// capture. Its frame ids
/// are scattered on purpose (as PFNs are), so that a capture from it must renumber them. Without frames, its zero pages
/// are marked as PAGEMAP_SCAN saw them; its kernel may have quirks, and KSM has merged some of the child's pages.
/// </summary>
internal static class SyntheticSnapshot
{
    public const int Parent = 4100;
    public const int Child = 4101;
    /// <summary>A second child, one of whose ranges changed while it was captured.</summary>
    public const int Changed = 4102;
    public const ulong ZeroId = 17;
    public const int FrameCount = 4_000;

    public const ulong Present = 1UL << 63, Swapped = 1UL << 62, File = 1UL << 61, Guard = 1UL << 58, Exclusive = 1UL << 56, SoftDirty = 1UL << 55;

    public static readonly (ulong Start, ulong End, string Line)[] Mappings =
    {
        (0x400000, 0x404000, "r-xp 00000000 08:01 1234                       /usr/bin/fixture"),
        (0x603000, 0x613000, "rw-p 00000000 00:00 0                          [heap]"),
        (0x7f0000000000, 0x7f0000800000, "rw-p 00000000 00:00 0 "),
        (0x7f0000800000, 0x7f0000900000, "---p 00000000 00:00 0 "),
        (0x7f0000a00000, 0x7f0000a04000, "rw-p 00000000 08:01 5678                   /tmp/data file"),
        (0x7ffd00000000, 0x7ffd00021000, "rw-p 00000000 00:00 0                      [stack]"),
    };

    /// <summary>KSM has merged this many of the child's pages; none of the others'.</summary>
    public const ulong ChildKsmPages = 2;

    /// <summary>
    /// The family with frames (a capture as root), or with every frame hidden (without root); captured on a kernel with
    /// <paramref name="quirks"/>, and by a capture that could scan pagemaps (Linux 6.7+) or not.
    /// </summary>
    public static SnapshotImage Create(bool framesVisible = true, KernelQuirks quirks = KernelQuirks.None, bool canScan = true)
    {
        var processes = new List<ProcessImage>
        {
            Process(Parent, 1, framesVisible, child: false, canScan),
            Process(Child, Parent, framesVisible, child: true, canScan),
            Process(Changed, Parent, framesVisible, child: true, canScan),
        };
        var kernel = new SnapshotKernel("CowPages test", "6.18.44-test", "testhost", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            4096, framesVisible, framesVisible ? ZeroId : 0, quirks);
        return new SnapshotImage(kernel, processes, framesVisible ? Frames() : null);
    }

    public static SnapshotSource Source(bool framesVisible = true, KernelQuirks quirks = KernelQuirks.None, bool canScan = true) =>
        new("/synthetic.cowsnap", Create(framesVisible, quirks, canScan));

    /// <summary>
    /// One process with <paramref name="pages"/> resident anonymous pages in one mapping, each on its own frame, the
    /// frames in a scattered order and each with its own kpagecgroup word: enough new frames in one chunk that a
    /// capture reads their kpage* words on two threads.
    /// </summary>
    public static SnapshotSource Dense(int pages)
    {
        const ulong start = 0x7f1000000000;
        var builder = new PagemapImageBuilder();
        builder.Skip(PageGeometry.PageOf(start));
        for (int i = 0; i < pages; i++)
        {
            builder.Add(Present | (i % 4 == 0 ? Exclusive : 0) | (1 + (ulong)((long)i * 7919 % pages)));
        }
        string maps = $"{start:x}-{start + (ulong)pages * 4096:x} rw-p 00000000 00:00 0 \n";
        var process = new ProcessImage(77, Encoding.UTF8.GetBytes("Name:\tdense\nPPid:\t1\nVmRSS:\t 4 kB\n"), Encoding.UTF8.GetBytes(maps),
            Encoding.UTF8.GetBytes("Rss: 4 kB\n"), Encoding.UTF8.GetBytes(maps), Array.Empty<AddressRange>(), builder.Build());
        var flags = new ulong[pages];
        var counts = new ulong[pages];
        var cgroups = new ulong[pages];
        for (int i = 0; i < pages; i++)
        {
            flags[i] = (ulong)(PageFlags.Anon | PageFlags.Mmap) | (ulong)(i % 3);
            counts[i] = 1 + (ulong)(i % 2);
            cgroups[i] = 1000 + (ulong)i;
        }
        var kernel = new SnapshotKernel("test", "6.18", "host", DateTimeOffset.UnixEpoch, 4096, true, 0);
        return new SnapshotSource("/dense.cowsnap", new SnapshotImage(kernel, new[] { process }, new FrameTable(flags, counts, cgroups)));
    }

    /// <summary>The frame id of the parent's anonymous page <paramref name="index"/>: scattered, never the zero page.</summary>
    private static ulong SharedFrame(int index) => 1000 + (ulong)(index * 7919 % 2_500);

    private static ProcessImage Process(int pid, int parent, bool framesVisible, bool child, bool canScan)
    {
        var builder = new PagemapImageBuilder();
        ulong Frame(ulong id) => framesVisible ? id : 0;
        void MoveTo(ulong address) => builder.Skip(PageGeometry.PageOf(address) - builder.Cursor);

        // The binary: page-cache pages mapped by both, then an untouched page.
        MoveTo(Mappings[0].Start);
        for (ulong i = 0; i < 3; i++)
        {
            builder.Add(Present | File | Frame(100 + i));
        }
        builder.Add(0);

        // The heap: shared, then copied by the child; the last pages soft-dirty holes.
        MoveTo(Mappings[1].Start);
        for (int i = 0; i < 16; i++)
        {
            bool copied = child && i % 3 == 0;
            ulong id = copied ? 3_600 + (ulong)i : 200 + (ulong)i;
            builder.Add(i < 12 ? Present | Frame(id) | (copied ? Exclusive : 0) : SoftDirty);
        }

        // A 2048-page anonymous range, 1% touched in runs, plus zero pages and swap entries.
        MoveTo(Mappings[2].Start);
        for (int i = 0; i < 2048; i++)
        {
            ulong word = 0;
            if (i % 100 < 2)
            {
                bool copied = child && i % 200 == 0;
                word = Present | (copied ? Exclusive | Frame(3_700 + (ulong)i / 200) : Frame(SharedFrame(i)));
            }
            else if (i % 100 == 50)
            {
                // The zero page: by its frame id, or without frames as PAGEMAP_SCAN marked it, where it could scan.
                builder.Add(Present | Frame(ZeroId), zero: !framesVisible && canScan);
                continue;
            }
            else if (i % 500 == 77 && !child)
            {
                word = Swapped | ((ulong)(1000 + i) << 5) | 1;
            }
            builder.Add(word);
        }

        // A PROT_NONE reservation: all holes, stored as one run.
        MoveTo(Mappings[3].Start);
        builder.AddRun(0, PageGeometry.PageOf(Mappings[3].End - Mappings[3].Start));

        // A private file mapping: copies, one page-cache page, a guard marker.
        MoveTo(Mappings[4].Start);
        builder.Add(Present | Exclusive | Frame(child ? 3_801UL : 300));
        builder.Add(Present | Frame(child ? 3_802UL : 301));
        builder.Add(Present | File | Frame(302));
        builder.Add(Swapped | Guard);

        // The stack: 33 pages, the top ones present.
        MoveTo(Mappings[5].Start);
        for (int i = 0; i < 33; i++)
        {
            builder.Add(i < 30 ? 0 : Present | Exclusive | Frame((child ? 3_900UL : 3_950UL) + (ulong)i));
        }

        var maps = new StringBuilder();
        var smaps = new StringBuilder();
        ulong rss = 0;
        foreach ((ulong start, ulong end, string line) in Mappings)
        {
            string header = $"{start:x}-{end:x} {line}";
            maps.Append(header).Append('\n');
            ulong kb = (end - start) / 1024 / 64;
            rss += kb;
            smaps.Append(header).Append('\n')
                .Append($"Size:           {(end - start) / 1024} kB\nRss:            {kb} kB\nPss:            {kb / 2} kB\n")
                .Append("Private_Clean:         0 kB\nPrivate_Dirty:         4 kB\nAnonymous:      4 kB\nAnonHugePages:         0 kB\n");
        }
        string status = $"Name:\tfixture\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nPid:\t{pid}\nPPid:\t{parent}\nVmRSS:\t    {rss} kB\n";
        string rollup = $"00400000-7ffd00021000 ---p 00000000 00:00 0                          [rollup]\nRss:            {rss} kB\nPss:            {rss / 2 + 1} kB\n" +
            $"Private_Clean:         0 kB\nPrivate_Dirty:        24 kB\nAnonymous:      {rss} kB\nSwap:           8 kB\n" +
            $"KSM:            {(pid == Child ? ChildKsmPages * 4 : 0)} kB\n";
        var changed = pid == Changed
            ? new List<AddressRange> { new(Mappings[2].Start + 0x100000, Mappings[2].Start + 0x102000) }
            : new List<AddressRange>();
        return new ProcessImage(pid, Encoding.UTF8.GetBytes(status), Encoding.UTF8.GetBytes(maps.ToString()), Encoding.UTF8.GetBytes(rollup),
            Encoding.UTF8.GetBytes(smaps.ToString()), changed, builder.Build(), pid == Child ? ChildKsmPages : 0, canScan);
    }

    private static FrameTable Frames()
    {
        var flags = new ulong[FrameCount];
        var counts = new ulong[FrameCount];
        var cgroups = new ulong[FrameCount];
        ulong anon = (ulong)(PageFlags.Uptodate | PageFlags.Lru | PageFlags.Mmap | PageFlags.Anon | PageFlags.SwapBacked);
        ulong cache = (ulong)(PageFlags.Referenced | PageFlags.Uptodate | PageFlags.Lru | PageFlags.Mmap);
        for (int i = 0; i < FrameCount; i++)
        {
            ulong id = (ulong)i + 1;
            flags[i] = id is >= 100 and < 110 || id == 302 ? cache : anon | (id % 5 == 0 ? (ulong)PageFlags.Dirty : 0);
            // Exclusive pages are mapped once, as the kernel's PM_MMAP_EXCLUSIVE says: the copies, and the parent's copy of a
            // private file page (300).
            counts[i] = id >= 3_600 || id == 300 ? 1UL : 2UL;
            cgroups[i] = id % 3 == 0 ? 4242UL : 17UL;
        }
        flags[ZeroId - 1] = (ulong)(PageFlags.ZeroPage | PageFlags.Reserved);
        counts[ZeroId - 1] = 0;
        return new FrameTable(flags, counts, cgroups);
    }
}
