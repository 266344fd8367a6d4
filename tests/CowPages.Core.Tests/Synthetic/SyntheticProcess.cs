using System;
using System.Collections.Generic;
using System.Linq;

namespace CowPages.Core.Tests.Synthetic;

/// <summary>One made-up process: mappings, pagemap words by virtual page, and the kernel's smaps figures.</summary>
internal sealed class SyntheticProcess : IProcessSource
{
    private readonly List<MemoryMapping> _maps = new();

    public SyntheticProcess(int processId, int parentId, string name)
    {
        ProcessId = processId;
        ParentId = parentId;
        Name = name;
    }

    public int ProcessId { get; }

    public int ParentId { get; set; }

    public string Name { get; }

    /// <summary>When the process started, as time since boot.</summary>
    public TimeSpan StartTime { get; set; }

    /// <summary>The state letter its status shows: Z for a zombie, whose maps are empty.</summary>
    public char State { get; set; } = 'S';

    /// <summary>Set by <see cref="SyntheticSource.Exit"/>: every read fails as for a process that is gone.</summary>
    public bool Exited { get; set; }

    /// <summary>Set to make every read of the maps and pagemap fail as a process the reader may not trace does.</summary>
    public bool Denied { get; set; }

    /// <summary>Its stat cannot be read either, as under a hidepid /proc mount.</summary>
    public bool StatDenied { get; set; }

    /// <summary>Called before every pagemap read, so that a test can let time pass or change the process mid-walk.</summary>
    public Action? BeforePagemapRead { get; set; }

    /// <summary>Pagemap words by virtual page number; pages not here read as 0.</summary>
    public Dictionary<ulong, ulong> Words { get; } = new();

    /// <summary>Mappings whose ranges the kernel says are gone when asked after a read (munmap during the walk).</summary>
    public HashSet<ulong> VanishedMappingStarts { get; } = new();

    /// <summary>After this many pagemap reads the process has exited: reads return nothing.</summary>
    public int? ExitsAfterReads { get; set; }

    public int PagemapReads { get; private set; }

    /// <summary>How many pagemap words the reads asked for, in all.</summary>
    public long WordsRead { get; private set; }

    public bool ScanSupported { get; set; } = true;

    /// <summary>Pages that map the zero page, as PAGEMAP_SCAN's PAGE_IS_PFNZERO shows them without privilege.</summary>
    public HashSet<ulong> ZeroPages { get; } = new();

    public ulong? KsmMergingPages { get; set; }

    public SmapsEntry Rollup { get; set; } = new(0, new Dictionary<string, ulong>());

    public List<SmapsEntry> PerMapping { get; } = new();

    public string PagemapPath => $"/proc/{ProcessId}/pagemap";

    public bool CanScan => ScanSupported;

    /// <summary>Adds a mapping of <paramref name="pages"/> pages at <paramref name="start"/>.</summary>
    public MemoryMapping Map(ulong start, ulong pages, string? path = null, string permissions = "rw-p", ulong inode = 0)
    {
        var mapping = new MemoryMapping(start, start + pages * PageGeometry.PageSize, permissions, 0, inode == 0 ? "00:00" : "08:01",
            inode, path, false);
        _maps.Add(mapping);
        _maps.Sort((a, b) => a.Start.CompareTo(b.Start));
        return mapping;
    }

    /// <summary>Sets the word of the page at <paramref name="address"/>.</summary>
    public void Set(ulong address, ulong word) => Words[PageGeometry.PageOf(address)] = word;

    public ProcessStatus ReadStatus() => Exited ? throw Gone("status") : new(Name, ParentId, State, (ulong)Words.Count * 4);

    public TimeSpan ReadStartTime() => Exited ? throw Gone("stat") : StatDenied ? throw Refused("stat") : StartTime;

    public IReadOnlyList<MemoryMapping> ReadMaps()
    {
        MapsReads++;
        return Exited ? throw Gone("maps") : Denied ? throw Refused("maps") : State == 'Z' ? new List<MemoryMapping>() : _maps.ToList();
    }

    /// <summary>How many times the maps were read.</summary>
    public int MapsReads { get; private set; }

    /// <summary>Removes the mapping that starts at <paramref name="start"/> (munmap).</summary>
    public void Unmap(ulong start) => _maps.RemoveAll(m => m.Start == start);

    private ProcfsException Refused(string file) =>
        new(ProcfsErrorKind.AccessDenied, $"/proc/{ProcessId}/{file}", ProcessId, 13, $"process {ProcessId}: permission denied");

    private ProcfsException Gone(string file) =>
        new(ProcfsErrorKind.NotFound, $"/proc/{ProcessId}/{file}", ProcessId, 3, $"process {ProcessId}: no such process");

    public SmapsEntry ReadSmapsRollup() => Rollup;

    public IReadOnlyList<SmapsEntry> ReadSmaps() => PerMapping;

    public ulong? ReadKsmMergingPages() => KsmMergingPages;

    public int ReadPagemap(ulong firstPage, Span<ulong> words)
    {
        BeforePagemapRead?.Invoke();
        PagemapReads++;
        WordsRead += words.Length;
        if (Exited || (ExitsAfterReads is int limit && PagemapReads > limit))
        {
            return 0;
        }
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = Words.TryGetValue(firstPage + (ulong)i, out ulong word) ? word : 0;
        }
        return words.Length;
    }

    public int ScanPagemap(ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd)
    {
        walkEnd = start;
        if (!ScanSupported)
        {
            return -1;
        }
        int found = 0;
        ulong scanned = 0;
        for (ulong page = PageGeometry.PageOf(start); page < PageGeometry.PageOf(end); page++)
        {
            if (maxPages != 0 && scanned == maxPages)
            {
                break;
            }
            walkEnd = PageGeometry.AddressOf(page + 1);
            ulong categories = Categories(Words.GetValueOrDefault(page)) | (ZeroPages.Contains(page) ? PageCategories.PfnZero : 0);
            if ((categories & query.Required) != query.Required || (query.AnyOf != 0 && (categories & query.AnyOf) == 0))
            {
                continue;
            }
            scanned++;
            ulong address = PageGeometry.AddressOf(page);
            if (found > 0 && regions[found - 1].End == address && regions[found - 1].Categories == (categories & query.Returned))
            {
                regions[found - 1].End += PageGeometry.PageSize;
                continue;
            }
            if (found == regions.Length)
            {
                walkEnd = address;
                break;
            }
            regions[found++] = new PageRegion { Start = address, End = address + PageGeometry.PageSize, Categories = categories & query.Returned };
        }
        return found;
    }

    private static ulong Categories(ulong raw)
    {
        var word = new PagemapWord(raw);
        return (word.Present ? PageCategories.Present : 0) | (word.Swapped ? PageCategories.Swapped : 0)
            | (word.FileOrSharedAnon ? PageCategories.File : 0) | (word.Guard ? PageCategories.Guard : 0);
    }

    public bool StillMapped(MemoryMapping mapping, ulong start, ulong end) => !VanishedMappingStarts.Contains(mapping.Start);

    public void Dispose()
    {
    }
}
