/*
 * The process locale as the native-image runtime asks for it (com.oracle.svm.core.c.locale.LocaleCHelper,
 * GraalVM 25.0.2): status constants and the struct whose @CField names are used below.
 */
#ifndef JEPA_SVM_LOCALE_H
#define JEPA_SVM_LOCALE_H
#define SVM_LOCALE_INITIALIZATION_USE_DEFAULT 0
#define SVM_LOCALE_INITIALIZATION_SUCCEEDED 1
#define SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY 2

typedef struct {
    char *format_language;
    char *format_script;
    char *format_country;
    char *format_variant;
    char *display_language;
    char *display_script;
    char *display_country;
    char *display_variant;
} svm_locale_props_t;

int svm_initialize_locale(void);
svm_locale_props_t *svm_get_locale(void);
#endif
