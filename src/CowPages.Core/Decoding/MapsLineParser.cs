using System;
using System.Buffers.Text;
using System.Text;

namespace CowPages.Decoding;

/// <summary>
/// Parses one line of <c>/proc/PID/maps</c>: <c>start-end perms offset major:minor inode   path</c>.
/// The format is <c>show_map_vma()</c> in <c>fs/proc/task_mmu.c</c>. The path is everything after the
/// padding that follows the inode, so it may contain spaces; the kernel escapes only newlines (as <c>\012</c>).
/// </summary>
public static class MapsLineParser
{
    private static ReadOnlySpan<byte> DeletedSuffix => " (deleted)"u8;

    // The sixteen permission strings the kernel can print (r/-, w/-, x/-, p/s), made once: a process with tens of
    // thousands of mappings would otherwise allocate one per line.
    private static readonly string[] s_permissions = BuildPermissions();

    /// <summary>Parses <paramref name="line"/> (without its newline).</summary>
    /// <exception cref="FormatException">The line is not a maps line; the message says which field.</exception>
    public static MemoryMapping Parse(ReadOnlySpan<byte> line) => Parse(line, null);

    /// <summary>
    /// Parses <paramref name="line"/>, reusing the device and path strings of <paramref name="previous"/> (the line
    /// before it) where they are the same, as they are for the several mappings of one file.
    /// </summary>
    /// <exception cref="FormatException">The line is not a maps line; the message says which field.</exception>
    public static MemoryMapping Parse(ReadOnlySpan<byte> line, MemoryMapping? previous)
    {
        ReadOnlySpan<byte> rest = line;

        ulong start = HexField(ref rest, (byte)'-', "start address");
        ulong end = HexField(ref rest, (byte)' ', "end address");
        if (end < start)
        {
            throw new FormatException($"end address 0x{end:x} is below start address 0x{start:x}");
        }

        ReadOnlySpan<byte> perms = Field(ref rest, "permissions");
        if (perms.Length != 4)
        {
            throw new FormatException($"permissions '{Encoding.ASCII.GetString(perms)}' are not four characters");
        }
        ulong offset = HexField(ref rest, (byte)' ', "offset");
        ReadOnlySpan<byte> device = Field(ref rest, "device");
        if (device.IndexOf((byte)':') < 0)
        {
            throw new FormatException($"device '{Encoding.ASCII.GetString(device)}' is not major:minor");
        }
        ulong inode = DecimalField(ref rest, "inode");

        rest = rest.TrimStart((byte)' ');
        string? path = null;
        bool deleted = false;
        if (!rest.IsEmpty)
        {
            if (rest.EndsWith(DeletedSuffix))
            {
                deleted = true;
                rest = rest[..^DeletedSuffix.Length];
            }
            path = SameAscii(rest, previous?.Path) ? previous!.Path : Encoding.UTF8.GetString(rest);
        }

        return new MemoryMapping(start, end, Permissions(perms), offset,
            SameAscii(device, previous?.Device) ? previous!.Device : Encoding.ASCII.GetString(device), inode, path, deleted);
    }

    private static string Permissions(ReadOnlySpan<byte> perms)
    {
        int index = (perms[0] == 'r' ? 8 : 0) | (perms[1] == 'w' ? 4 : 0) | (perms[2] == 'x' ? 2 : 0) | (perms[3] == 's' ? 1 : 0);
        string known = s_permissions[index];
        return SameAscii(perms, known) ? known : Encoding.ASCII.GetString(perms);
    }

    private static string[] BuildPermissions()
    {
        var all = new string[16];
        for (int i = 0; i < 16; i++)
        {
            all[i] = string.Concat((i & 8) != 0 ? "r" : "-", (i & 4) != 0 ? "w" : "-", (i & 2) != 0 ? "x" : "-", (i & 1) != 0 ? "s" : "p");
        }
        return all;
    }

    /// <summary>True when <paramref name="bytes"/> spell <paramref name="text"/> in ASCII (false for any other byte).</summary>
    private static bool SameAscii(ReadOnlySpan<byte> bytes, string? text)
    {
        if (text is null || bytes.Length != text.Length)
        {
            return false;
        }
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i] || bytes[i] >= 0x80)
            {
                return false;
            }
        }
        return true;
    }

    private static ReadOnlySpan<byte> Field(ref ReadOnlySpan<byte> rest, string name)
    {
        int space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            throw new FormatException($"missing {name}");
        }
        ReadOnlySpan<byte> field = rest[..space];
        rest = rest[(space + 1)..];
        return field;
    }

    private static ulong HexField(ref ReadOnlySpan<byte> rest, byte terminator, string name)
    {
        int end = rest.IndexOf(terminator);
        if (end <= 0 || end > 16)
        {
            throw new FormatException($"missing or overlong {name}");
        }
        if (!Utf8Parser.TryParse(rest[..end], out ulong value, out int used, 'x') || used != end)
        {
            throw new FormatException($"{name} '{Encoding.ASCII.GetString(rest[..end])}' is not hexadecimal");
        }
        rest = rest[(end + 1)..];
        return value;
    }

    private static ulong DecimalField(ref ReadOnlySpan<byte> rest, string name)
    {
        int end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> digits = end < 0 ? rest : rest[..end];
        if (digits.IsEmpty || !Utf8Parser.TryParse(digits, out ulong value, out int used) || used != digits.Length)
        {
            throw new FormatException($"{name} '{Encoding.ASCII.GetString(digits)}' is not a decimal number");
        }
        rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 1)..];
        return value;
    }
}
