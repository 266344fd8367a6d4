# Builds the kernel's own page-types (tools/vm/page-types.c) from Debian's linux-source-6.1 package, as the reference
# that Measure-PageFlags is tested and benchmarked against. Dot-source it and call Install-PageTypes: it returns the
# path of out/page-types/page-types, building it on the first call and reusing it afterwards.
#
# Only the package is cached (out/page-types/*.deb, 139 MB); nothing of the kernel's code is committed. From the
# tarball inside it, only page-types.c and the three headers it includes are extracted. The one function it needs
# from tools/lib/api, debugfs__mount(), serves only -X/-x (hwpoison injection), so tools/page-types-stubs.c stands in.

$script:PageTypesPackage = 'linux-source-6.1'
$script:PageTypesMembers = @(
    'tools/vm/page-types.c'
    'include/uapi/linux/kernel-page-flags.h'
    'include/uapi/linux/magic.h'
    'tools/lib/api/fs/fs.h'
)

function Invoke-PageTypesStep {
    # Runs one native step of the build and throws with its output if it fails.
    param([string]$What, [scriptblock]$Step)
    $output = & $Step 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "page-types: $What failed (exit code $LASTEXITCODE): $($output -join "`n")"
    }
}

function Install-PageTypes {
    param([string]$OutDir = (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/page-types'))

    $binary = Join-Path $OutDir 'page-types'
    if (Test-Path $binary) {
        return $binary
    }
    $null = New-Item -ItemType Directory -Force $OutDir

    $deb = Get-ChildItem $OutDir -Filter "${script:PageTypesPackage}_*.deb" -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $deb) {
        Write-Host "Downloading Debian's $script:PageTypesPackage (139 MB) for page-types" -ForegroundColor Cyan
        Push-Location $OutDir
        try {
            & apt-get download $script:PageTypesPackage 2>&1 | Out-Null
            if ($LASTEXITCODE -ne 0) {
                # A fresh machine has no package lists yet.
                Invoke-PageTypesStep 'apt-get update' { apt-get update -qq }
                Invoke-PageTypesStep "apt-get download $script:PageTypesPackage" { apt-get download $script:PageTypesPackage }
            }
        }
        finally {
            Pop-Location
        }
        $deb = Get-ChildItem $OutDir -Filter "${script:PageTypesPackage}_*.deb" | Select-Object -First 1
    }

    $source = Join-Path $OutDir 'src'
    Remove-Item -Recurse -Force $source -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory $source
    $root = "$script:PageTypesPackage/"
    $members = $script:PageTypesMembers | ForEach-Object { $root + $_ }
    # The tarball is xz inside the .deb's data archive; only the wanted members are written out.
    $extract = "dpkg-deb --fsys-tarfile '$($deb.FullName)' | tar -xO './usr/src/$script:PageTypesPackage.tar.xz' | xz -dc | tar -x -C '$source' $($members -join ' ')"
    Invoke-PageTypesStep 'extracting page-types.c from the package' { bash -o pipefail -c $extract }

    $tree = Join-Path $source $script:PageTypesPackage
    $stubs = Join-Path $PSScriptRoot 'page-types-stubs.c'
    $built = "$binary.tmp"
    Invoke-PageTypesStep 'compiling page-types' {
        gcc -O2 -w -I (Join-Path $tree 'tools/lib') -o $built (Join-Path $tree 'tools/vm/page-types.c') $stubs
    }
    Move-Item -Force $built $binary
    $binary
}

function Read-PageTypesTable {
    <#
    Runs page-types with -r (raw: every kernel bit, nothing hidden) and the given arguments, and returns its table as
    a hashtable from the flags word, folded back to the kernel's own word (ConvertTo-KernelPageFlags), to the page
    count. Rows of swap entries (pseudo-flag swap, bit 62: swapped pages and guard markers) are left out, since
    Measure-PageFlags counts only pages with a frame.
    #>
    param([Parameter(Mandatory)][string]$PageTypes, [string[]]$ArgumentList = @())

    $lines = & $PageTypes -r @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "page-types -r $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE." }
    $table = @{}
    foreach ($line in $lines) {
        if ($line -notmatch '^0x([0-9a-f]{16})\s+(\d+)\s') { continue }
        $word = [Convert]::ToUInt64($Matches[1], 16)
        if ($word -band ([uint64]1 -shl 62)) { continue }
        $key = ConvertTo-KernelPageFlags $word
        $table[$key] = [uint64]$table[$key] + [uint64]$Matches[2]
    }
    $table
}

function ConvertTo-KernelPageFlags {
    <#
    Undoes page-types' raw-mode additions to a kpageflags word (expand_overloaded_flags in page-types.c): the pseudo-flags
    it takes from the pagemap entry (softdirty 40, file 61, swap 62, mmap_exclusive 63) are dropped, and the overloaded
    bits it renames go back where the kernel put them (anon_exclusive 47 to 34, readahead 48 to 9, and for slab pages
    slob_free 49 to 35, slub_frozen 50 to 6, slub_debug 51 to 1). The kernel itself sets none of bits 40 and 43-63.
    #>
    param([uint64]$Word)
    $moves = @{ 47 = 34; 48 = 9; 49 = 35; 50 = 6; 51 = 1 }
    foreach ($from in $moves.Keys) {
        $bit = [uint64]1 -shl $from
        if ($Word -band $bit) { $Word = ($Word -bxor $bit) -bor ([uint64]1 -shl $moves[$from]) }
    }
    foreach ($pseudo in 40, 61, 62, 63) { $Word = $Word -band -bnot ([uint64]1 -shl $pseudo) }
    $Word
}

function Get-ComparablePageFlags {
    <#
    The part of a kpageflags word that holds still between two readings a moment apart: KPF_IDLE (25) is cleared, since
    something on this machine sets it on pages within seconds, and so is KPF_REFERENCED (2) on reserved frames
    (KPF_RESERVED, 32), since the vDSO's page, mapped by every process, gains and loses it as other processes run.
    #>
    param([uint64]$Word)
    $Word = $Word -band -bnot ([uint64]1 -shl 25)
    if ($Word -band ([uint64]1 -shl 32)) { $Word = $Word -band -bnot [uint64]4 }
    $Word
}

function Compare-PageFlagsTable {
    <#
    Compares Measure-PageFlags output with a Read-PageTypesTable result, both through Get-ComparablePageFlags. Returns
    one line per word whose counts differ; nothing when the tables agree.
    #>
    param([object[]]$Measured, [hashtable]$Reference)
    $ours = @{}
    foreach ($row in $Measured) {
        $key = Get-ComparablePageFlags ([uint64]$row.Flags)
        $ours[$key] = [uint64]$ours[$key] + $row.Pages
    }
    $theirs = @{}
    foreach ($word in $Reference.Keys) {
        $key = Get-ComparablePageFlags $word
        $theirs[$key] = [uint64]$theirs[$key] + $Reference[$word]
    }
    foreach ($key in @($ours.Keys) + @($theirs.Keys) | Sort-Object -Unique) {
        if ([uint64]$ours[$key] -ne [uint64]$theirs[$key]) {
            '0x{0:x16}: Measure-PageFlags {1}, page-types {2}' -f $key, [uint64]$ours[$key], [uint64]$theirs[$key]
        }
    }
}
