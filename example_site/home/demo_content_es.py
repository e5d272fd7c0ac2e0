"""The demo's Spanish pages and policy: translations (Wagtail's copy_for_translation) of the English ones."""

LANGUAGE = "es"

HOME_TITLE = "Acme Themes"
HOME_INTRO = (
    "<p>Temas premium, plugins y alojamiento para su sitio web, con soporte profesional de quienes "
    "los crean.</p>"
)

GUIDE_TITLE = "Cómo obtener soporte profesional"
GUIDE_SLUG = "como-obtener-soporte"
GUIDE_INTRO = (
    "Cada tema premium, plugin y plan de alojamiento que nos compra incluye soporte profesional "
    "de las personas que lo desarrollan. Esta guía explica cómo contactarnos."
)
GUIDE_BODY = [
    {"type": "heading", "value": "Si compró un plan de alojamiento"},
    {
        "type": "paragraph",
        "value": (
            "<p>Los planes de alojamiento, también los que venden nuestros socios, incluyen un tema "
            "premium a su elección. Solicítelo en <b>Mis productos</b> cuando su cuenta esté lista.</p>"
        ),
    },
    {"type": "heading", "value": "Si compró un tema o un plugin premium"},
    {
        "type": "paragraph",
        "value": (
            "<p>Su compra crea su cuenta con la dirección de correo que indicó al pagar. Le enviamos "
            "un correo con un enlace para <b>elegir su contraseña</b>; nunca enviamos contraseñas. "
            "Cuando la haya elegido, su cuenta está lista.</p>"
        ),
    },
    {
        "type": "notice",
        "value": {
            "tone": "warning",
            "text": (
                "<p>¿No le llega el correo en unos minutos? Mire primero en la carpeta de spam o "
                "correo no deseado y, si no está, pida un enlace nuevo desde la página de acceso.</p>"
            ),
        },
    },
    {
        "type": "steps",
        "value": {
            "heading": "Cómo abrir una solicitud de soporte",
            "steps": [
                "<p>Inicie sesión con la dirección de correo de su compra.</p>",
                "<p>Abra <b>Soporte</b> en el menú.</p>",
                "<p>Pulse <b>Nuevo ticket</b>.</p>",
                "<p>Elija el producto con el que necesita ayuda, dé a su solicitud un título breve y "
                "describa qué ocurre, qué esperaba y qué ha probado. Las capturas de pantalla ayudan.</p>",
                "<p>Pulse <b>Crear</b>. El equipo recibe aviso al momento y usted recibe un correo cada "
                "vez que respondemos.</p>",
            ],
        },
    },
    {"type": "coverage_policy", "value": {"policy": None}},
]

SUPPORT_TITLE = "Soporte"
SUPPORT_SLUG = "soporte"
SUPPORT_INTRO = (
    "<p>Abra una solicitud sobre cualquier producto que nos haya comprado, siga la conversación y "
    "consulte sus productos, sus fechas de soporte y los sitios donde los usa.</p>"
)

POLICY_PAGE_TITLE = "Política de soporte"
POLICY_PAGE_SLUG = "politica-de-soporte"
POLICY_PAGE_INTRO = (
    "<p>Cada compra incluye soporte profesional. Esta página explica con claridad qué incluye y qué no.</p>"
)

POLICY_TITLE = "Soporte profesional: qué incluye"
POLICY_INTRO = (
    "<p>Le ayudamos con gusto cuando algo de nuestros productos no funciona como debería o cuando no "
    "está seguro de cómo se usa una función. Abra una solicitud y cuéntenos lo que ve; respondemos lo "
    "antes posible.</p>"
)
POLICY_COVERED = [
    (
        "Errores en nuestros temas, plugins y alojamiento",
        "Algo se comporta de forma distinta a lo que describe la documentación.",
    ),
    ("Mensajes de error", "Envíenos el mensaje exacto y la página donde aparece."),
    ("Preguntas de uso", "Cómo se usa un ajuste, una función o una actualización de nuestro software."),
    ("Ayuda con las actualizaciones", "Le guiamos paso a paso; aplicarlas sigue siendo cosa suya."),
]
POLICY_EXCLUDED = [
    (
        "Clases de tecnologías web",
        "Enseñar HTML, CSS, PHP, JavaScript u otros lenguajes con los que están hechos nuestros productos.",
    ),
    ("Aplicar actualizaciones por usted", "Instalar a mano actualizaciones de software en su sitio."),
    (
        "Temas modificados y software de otros proveedores",
        "Código cambiado por otra persona o software que no hemos escrito.",
    ),
    (
        "Configuración del servidor y del alojamiento",
        "Configurar su servidor, su cuenta de alojamiento compartido, el DNS o el correo.",
    ),
    ("Servicios de terceros", "Darse de alta o recibir ayuda con servicios de otras empresas."),
    ("Desarrollo a medida", "Cambiar nuestros temas o nuestro software para que funcionen de otra forma."),
    ("Traducciones", "Traducir textos o mantener archivos de idioma y diccionarios."),
]
POLICY_NOTES = (
    "<p>El número de sitios y el periodo de soporte de cada producto aparecen arriba; dependen del "
    "producto que compró.</p>"
)
