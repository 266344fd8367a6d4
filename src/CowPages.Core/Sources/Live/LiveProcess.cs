using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using CowPages.Decoding;

namespace CowPages.Sources.Live;

/// <summary>
/// One live process's files under <c>/proc/PID</c>. The pagemap and the maps probe are opened on first use and kept
/// open until disposed, so that a caller sampling the same process again and again (a watch) reuses them. Opening
/// the pagemap needs ptrace read access; PFNs are shown only to CAP_SYS_ADMIN in the initial user namespace, checked
/// by the kernel when the file is opened.
/// </summary>
internal sealed class LiveProcess : IProcessSource, IProcessFiles
{
    /// <summary>Set once a kernel without PAGEMAP_SCAN (before 6.7) has said so; every later walk reads plainly.</summary>
    private static volatile bool s_scanMissing;

    private ProcfsFile? _pagemap;
    private MappingProbe? _probe;

    internal LiveProcess(int processId)
    {
        ProcessId = processId;
        PagemapPath = $"/proc/{processId}/pagemap";
    }

    public int ProcessId { get; }

    public string PagemapPath { get; }

    public bool CanScan => !s_scanMissing;

    public ProcessStatus ReadStatus()
    {
        string path = $"/proc/{ProcessId}/status";
        return StatusParser.Parse(ReadText(path), path, ProcessId);
    }

    public TimeSpan ReadStartTime()
    {
        string path = $"/proc/{ProcessId}/stat";
        Span<byte> line = stackalloc byte[StatBytes];
        int length = ProcfsFile.ReadInto(path, line, ProcessId);
        return StatParser.Parse(line[..length], path, ProcessId).StartTime;
    }

    /// <summary>Room for a stat line: 52 numbers of up to 20 digits and a command name of up to 64 bytes.</summary>
    internal const int StatBytes = 2048;

    public IReadOnlyList<MemoryMapping> ReadMaps()
    {
        string path = $"/proc/{ProcessId}/maps";
        return MapsParser.Parse(ProcfsFile.ReadAll(path, ProcessId), path, ProcessId);
    }

    public SmapsEntry ReadSmapsRollup()
    {
        string path = $"/proc/{ProcessId}/smaps_rollup";
        return SmapsParser.ParseRollup(ReadText(path), path, ProcessId);
    }

    public IReadOnlyList<SmapsEntry> ReadSmaps()
    {
        string path = $"/proc/{ProcessId}/smaps";
        return SmapsParser.Parse(ReadText(path), path, ProcessId);
    }

    public ulong? ReadKsmMergingPages()
    {
        string path = $"/proc/{ProcessId}/ksm_merging_pages";
        try
        {
            return ulong.TryParse(ReadText(path).Trim(), out ulong pages) ? pages : null;
        }
        catch (ProcfsException e) when (e.Kind == ProcfsErrorKind.NotFound && System.IO.Directory.Exists($"/proc/{ProcessId}"))
        {
            return null;
        }
    }

    public int ReadPagemap(ulong firstPage, Span<ulong> words)
    {
        if (firstPage > long.MaxValue / sizeof(ulong))
        {
            return 0;
        }
        int bytes = Pagemap.ReadAt((long)(firstPage * sizeof(ulong)), MemoryMarshal.AsBytes(words));
        return bytes / sizeof(ulong);
    }

    public int ScanPagemap(ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd)
    {
        if (s_scanMissing)
        {
            walkEnd = start;
            return -1;
        }
        int found = PagemapScan.Scan(Pagemap, start, end, query, maxPages, regions, out walkEnd);
        s_scanMissing |= found < 0;
        return found;
    }

    public bool StillMapped(MemoryMapping mapping, ulong start, ulong end)
    {
        _probe ??= MappingProbe.Open(ProcessId);
        return _probe.StillMapped(mapping, start, end);
    }

    public byte[] ReadFile(ProcessFile file) =>
        ProcfsFile.ReadAll($"/proc/{ProcessId}/{ProcessFileNames.Of(file)}", ProcessId);

    private ProcfsFile Pagemap => _pagemap ??= ProcfsFile.Open(PagemapPath, ProcessId);

    private string ReadText(string path) => Encoding.UTF8.GetString(ProcfsFile.ReadAll(path, ProcessId));

    public void Dispose()
    {
        _pagemap?.Dispose();
        _pagemap = null;
        _probe?.Dispose();
        _probe = null;
    }
}
