namespace CowPages;

/// <summary>One VMA: a line of <c>/proc/PID/maps</c>.</summary>
public sealed class MemoryMapping
{
    /// <summary>The name shown for a mapping with no path: an anonymous range.</summary>
    public const string AnonymousName = "[anon]";

    public MemoryMapping(ulong start, ulong end, string permissions, ulong offset, string device, ulong inode, string? path, bool deleted)
    {
        Start = start;
        End = end;
        Permissions = permissions;
        Offset = offset;
        Device = device;
        Inode = inode;
        Path = path;
        Deleted = deleted;
        Name = string.IsNullOrEmpty(path) ? AnonymousName : path!;
    }

    /// <summary>The first address of the range.</summary>
    public ulong Start { get; }

    /// <summary>The address just past the range.</summary>
    public ulong End { get; }

    /// <summary>The permissions as the kernel prints them, for example <c>rw-p</c>.</summary>
    public string Permissions { get; }

    /// <summary>The file offset of <see cref="Start"/>, for file-backed mappings.</summary>
    public ulong Offset { get; }

    /// <summary>The device as <c>major:minor</c> in hex.</summary>
    public string Device { get; }

    public ulong Inode { get; }

    /// <summary>The path or pseudo-name (<c>[heap]</c>, <c>[stack]</c>, ...), null for anonymous ranges. Without the <c> (deleted)</c> suffix.</summary>
    public string? Path { get; }

    /// <summary>True when the kernel marked the file <c>(deleted)</c>, as for memfd and shared anonymous memory.</summary>
    public bool Deleted { get; }

    /// <summary>The path, the pseudo-name, or <c>[anon]</c>: what <c>-Mapping</c> wildcards match.</summary>
    public string Name { get; }

    public ulong Size => End - Start;

    public bool IsPrivate => Permissions.Length == 4 && Permissions[3] == 'p';

    public bool IsShared => Permissions.Length == 4 && Permissions[3] == 's';

    /// <summary>Backed by a file or shmem object (inode set), rather than anonymous memory.</summary>
    public bool IsFileBacked => Inode != 0;

    /// <summary>Pseudo-mappings like <c>[heap]</c> or <c>[vdso]</c>.</summary>
    public bool IsPseudo => Path is { Length: > 1 } p && p[0] == '[' && p[^1] == ']' && Inode == 0;

    /// <summary>
    /// Private and anonymous: the only kind of mapping where a present page with the file bit can only be the huge zero
    /// page. Special mappings such as <c>[vdso]</c> are private with no inode too, but hold ordinary kernel pages that
    /// pagemap reports with PM_FILE; only unnamed ranges, <c>[heap]</c>, <c>[stack]</c> and <c>[anon:NAME]</c> are
    /// anonymous VMAs. The shared zero page is mapped only here, by read faults.
    /// </summary>
    public bool IsPrivateAnonymous => IsPrivate && !IsFileBacked
        && (!IsPseudo || Path is "[heap]" or "[stack]" || Path!.StartsWith("[anon:", System.StringComparison.Ordinal));

    /// <summary>
    /// Looks like shmem by its name: shared anonymous memory (<c>/dev/zero</c>), SysV shared memory, memfd, or a file
    /// under <c>/dev/shm</c>. Only a guess, for callers that cannot read the kpage* flags; tmpfs mounted elsewhere is missed.
    /// </summary>
    public bool LooksLikeShmem => Path is string p
        && (p.StartsWith("/dev/zero", System.StringComparison.Ordinal) || p.StartsWith("/SYSV", System.StringComparison.Ordinal)
            || p.StartsWith("/memfd:", System.StringComparison.Ordinal) || p.StartsWith("/dev/shm/", System.StringComparison.Ordinal));

    public override string ToString() => $"{Start:x}-{End:x} {Permissions} {Name}";
}
