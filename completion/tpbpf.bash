# bash completion for tpbpf.                         -*- shell-script -*-
# Installed as share/bash-completion/completions/tpbpf; or: source it.

_tpbpf_commands="list format tracepoint load raw-tracepoint opensnoop cswitch
	netdev syscount syslat inspect new features"

# Options of each subcommand (from their --help).
_tpbpf_options() {
	local common="-d --duration -p --pid --json --stats --ring-pages -h --help"
	case $1 in
	list) echo "-h --help" ;;
	format) echo "--header --json -h --help" ;;
	tracepoint) echo "-e --event -c --count $common" ;;
	load) echo "-d --duration --attach --dump-maps --const --verifier-log --no-events -h --help" ;;
	raw-tracepoint) echo "--args $common" ;;
	opensnoop) echo "-x --failed $common" ;;
	cswitch) echo "-T --top -i --interval $common" ;;
	netdev) echo "--summary $common" ;;
	syscount) echo "-i --interval -T --top -P --process --raw $common" ;;
	syslat) echo "-T --top -n --nsecs -m --msecs $common" ;;
	inspect) echo "--disasm --json --const -h --help" ;;
	new) echo "--dir -h --help" ;;
	features) echo "--json -h --help" ;;
	esac
}

# CATEGORY:NAME of every tracepoint, from tpbpf list (needs tracefs access).
_tpbpf_tracepoints() {
	local tpbpf=${COMP_WORDS[0]}
	"$tpbpf" list 2>/dev/null
}

_tpbpf() {
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# The subcommand: the first word after the global options.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--tracefs) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	if [ -z "$cmd" ]; then
		case $prev in
		--tracefs) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-v --verbose --tracefs -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_tpbpf_commands" -- "$cur"))
		fi
		return
	fi

	# Values of options.
	case $prev in
	-e|--event)
		# ':' splits words in COMP_WORDBREAKS: complete the whole word.
		COMPREPLY=($(compgen -W "$(_tpbpf_tracepoints)" -- "$cur"))
		__ltrim_colon_completions "$cur" 2>/dev/null
		return ;;
	--dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-d|--duration|-p|--pid|-c|--count|--ring-pages|-i|--interval|-T|--top|--args|--const|--attach)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tpbpf_options "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	tracepoint|format|new)
		# new takes PROJECT first, then the tracepoint.
		if [ "$cmd" = new ] && [ "$prev" = new ]; then
			return
		fi
		COMPREPLY=($(compgen -W "$(_tpbpf_tracepoints)" -- "$cur"))
		__ltrim_colon_completions "$cur" 2>/dev/null ;;
	list)
		COMPREPLY=($(compgen -W "$(_tpbpf_tracepoints)" -- "$cur"))
		__ltrim_colon_completions "$cur" 2>/dev/null ;;
	load|inspect)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.o' -- "$cur") $(compgen -d -- "$cur")) ;;
	esac
}

complete -F _tpbpf tpbpf
