using System;
using System.Runtime.InteropServices;

namespace CowPages.Sources.Live;

/// <summary>
/// Asks the kernel whether a mapping read from <c>/proc/PID/maps</c> still covers a range, with the
/// <c>PROCMAP_QUERY</c> ioctl on the maps file (Linux 6.11+). A walk uses it after reading each pagemap chunk:
/// if the mapping was unmapped or replaced meanwhile, the words read describe nothing the caller selected, and the
/// chunk is dropped instead of being reported as absent pages. Where the ioctl is missing the probe answers "yes".
/// </summary>
internal sealed unsafe class MappingProbe : IDisposable
{
    /// <summary>_IOWR('f', 17, struct procmap_query), include/uapi/linux/fs.h.</summary>
    private const ulong ProcmapQuery = 0xC0686611;

    private const int ENOTTY = 25;

    private ProcfsFile? _maps;

    private MappingProbe(ProcfsFile? maps) => _maps = maps;

    /// <summary>False once the kernel has shown it lacks PROCMAP_QUERY; the probe then trusts the maps it was given.</summary>
    public bool Supported => _maps is not null;

    /// <summary>Opens <c>/proc/PID/maps</c> for queries. Never throws: without access the probe is simply unsupported.</summary>
    public static MappingProbe Open(int processId)
    {
        try
        {
            return new MappingProbe(ProcfsFile.Open($"/proc/{processId}/maps", processId));
        }
        catch (ProcfsException)
        {
            return new MappingProbe(null);
        }
    }

    /// <summary>
    /// True when mappings of the same file (or anonymous memory) still cover all of [start, end). The range may have
    /// been split meanwhile (mprotect, madvise), which leaves its pages where they were, so several VMAs may cover it.
    /// </summary>
    public bool StillMapped(MemoryMapping mapping, ulong start, ulong end)
    {
        ulong at = start;
        while (at < end)
        {
            if (_maps is null)
            {
                return true;
            }
            var query = new ProcmapQueryArgs { Size = (ulong)sizeof(ProcmapQueryArgs), QueryAddress = at };
            try
            {
                // A constant text: this runs once per chunk, and the text only matters if it fails.
                _maps.Ioctl(ProcmapQuery, &query, "query a mapping (PROCMAP_QUERY) in");
            }
            catch (ProcfsException e) when (e.Errno == LibC.ENOENT || e.Errno == LibC.ESRCH)
            {
                return false;
            }
            catch (ProcfsException e) when (e.Errno == ENOTTY || e.Errno == LibC.EINVAL)
            {
                Dispose();
                return true;
            }
            if (query.VmaStart > at || query.VmaEnd <= at || query.Inode != mapping.Inode)
            {
                return false;
            }
            at = query.VmaEnd;
        }
        return true;
    }

    public void Dispose()
    {
        _maps?.Dispose();
        _maps = null;
    }

    /// <summary>struct procmap_query, 104 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ProcmapQueryArgs
    {
        public ulong Size;
        public ulong QueryFlags;
        public ulong QueryAddress;
        public ulong VmaStart;
        public ulong VmaEnd;
        public ulong VmaFlags;
        public ulong VmaPageSize;
        public ulong VmaOffset;
        public ulong Inode;
        public uint DevMajor;
        public uint DevMinor;
        public uint VmaNameSize;
        public uint BuildIdSize;
        public ulong VmaNameAddress;
        public ulong BuildIdAddress;
    }
}
